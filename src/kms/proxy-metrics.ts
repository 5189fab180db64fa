/**
 * @module kms/proxy-metrics
 * The local KMS's CloudWatch metrics for its external key stores (metrics/xks-metrics: the names `xks-harness watch`
 * serves too), from the calls its gateway makes: latency and errors per call as KMS classifies them, key-manager
 * states and `up` from each GetHealthStatus (the health poll, and the probes of create, update and connect), the
 * certificate the gateway's connections saw, and each store's credential age from the state. All labelled by
 * CustomKeyStoreId; a deleted store's dropped.
 */
import { XksMetrics } from "../metrics/xks-metrics.js";
import { xksProxyErrorType } from "../xks/index.js";
import { DAY_MS, daysToExpire } from "../pki/certificate-expiry.js";
import type { SeenCertificate } from "./peer-certificate.js";
import type { StateStore } from "./state-store.js";
import { credentialSetDate } from "./state.js";
import type { GatewayCall, ProxyStore } from "./xks-gateway.js";

/** Where the certificates come from: the gateway's connections (XksGateway). */
export interface PeerCertificates {
  certificateOf(store: ProxyStore): SeenCertificate | undefined;
  keepCertificatesOf(stores: readonly ProxyStore[]): void;
}

export class LocalKmsMetrics {
  readonly metrics = new XksMetrics();

  constructor(
    private readonly store: StateStore,
    private readonly certificates: PeerCertificates,
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
        ms: c.ms,
        timedOutAfterMs: failure === "Timeout" ? c.timeoutMs : undefined,
        // Every key manager UNAVAILABLE is an answer the proxy gave: it shows in the key-manager states, as in `watch`.
        error: failure && failure !== "AllKeyManagersUnavailable" ? { errorType: xksProxyErrorType(failure), exceptionName: failure } : undefined,
      },
      this.now(),
    );
    // `up` is what the health check says, as `watch` judges it from a round that always has one: one slow Encrypt
    // (a timeout, a Retryable error, counted above) is not an unreachable proxy.
    if (c.xksOperation === "health") this.metrics.setUp(id, c.ms !== undefined);
    if (c.fleet) this.metrics.setKeyManagerStates(id, c.fleet);
  };

  forget(id: string): void {
    this.metrics.forgetStore(id);
    this.certificates.keepCertificatesOf(this.store.state.customKeyStores);
  }

  /** The exposition, with the day counts (credential age, certificate expiry) brought to this moment first. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    const now = this.now();
    const stores = this.store.state.customKeyStores;
    this.certificates.keepCertificatesOf(stores);
    for (const s of stores) {
      this.metrics.setCredentialAgeDays(s.id, Math.floor((now - credentialSetDate(s) * 1000) / DAY_MS));
      const cert = this.certificates.certificateOf(s);
      if (cert) this.metrics.setCertificateDaysToExpire(s.id, cert.name, daysToExpire(cert.validTo, now));
    }
    return this.metrics.exposition();
  }
}
