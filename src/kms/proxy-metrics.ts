/**
 * @module kms/proxy-metrics
 * The local KMS's CloudWatch metrics for its external key stores (metrics/xks-metrics: the names `xks-harness watch`
 * serves too), from the calls its gateway makes: latency and errors per call as KMS classifies them, key-manager
 * states from each GetHealthStatus answer, `up` from whether the proxy answered, the certificate its connections
 * saw, and each store's credential age from the state. All labelled by CustomKeyStoreId; a deleted store's dropped.
 */
import { XksMetrics } from "../metrics/xks-metrics.js";
import { xksProxyErrorType } from "../xks/index.js";
import { daysToExpire } from "../pki/certificate-expiry.js";
import type { SeenCertificate } from "./peer-certificate.js";
import type { StateStore } from "./state-store.js";
import { credentialSetDate } from "./state.js";
import type { GatewayCall } from "./xks-gateway.js";

const DAY_MS = 86_400_000;

export class LocalKmsMetrics {
  readonly metrics = new XksMetrics();
  /** The certificate each store's proxy last presented: days to expire are counted at each scrape. */
  readonly #certificates = new Map<string, SeenCertificate>();

  constructor(
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The gateway's onCall. */
  readonly observe = (c: GatewayCall): void => {
    const id = c.store.id;
    // A call that was under way when its store was deleted must not bring the store's series back. A create's
    // probe runs before its store exists: createCustomKeyStore forgets the id if the store is not made.
    if (c.kmsOperation !== "CreateCustomKeyStore" && !this.store.state.customKeyStores.some((s) => s.id === id)) return;
    const failure = c.failed?.failure;
    this.metrics.observeCall(
      {
        customKeyStoreId: id,
        xksOperation: c.xksOperation,
        kmsOperation: c.kmsOperation,
        // KMS stops waiting at its timeout: like `watch`, a timed-out call counts at the limit; no other unanswered one has a latency.
        seconds: c.answered && c.ms !== undefined ? c.ms / 1000 : failure === "Timeout" ? c.timeoutMs / 1000 : undefined,
        // Every key manager UNAVAILABLE is an answer the proxy gave: it shows in the key-manager states, as in `watch`.
        error: failure && failure !== "AllKeyManagersUnavailable" ? { errorType: xksProxyErrorType(failure), exceptionName: failure } : undefined,
      },
      this.now(),
    );
    this.metrics.setUp(id, c.answered);
    if (c.fleet) this.metrics.setKeyManagerStates(id, c.fleet);
    if (c.certificate) this.#certificates.set(id, c.certificate);
  };

  forget(id: string): void {
    this.#certificates.delete(id);
    this.metrics.forgetStore(id);
  }

  /** The exposition, with the day counts (credential age, certificate expiry) brought to this moment first. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    const now = this.now();
    for (const s of this.store.state.customKeyStores) {
      this.metrics.setCredentialAgeDays(s.id, Math.floor((now - credentialSetDate(s) * 1000) / DAY_MS));
      const cert = this.#certificates.get(s.id);
      if (cert) this.metrics.setCertificateDaysToExpire(s.id, cert.name, daysToExpire(cert.validTo, now));
    }
    return this.metrics.exposition();
  }
}
