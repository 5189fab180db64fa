/**
 * @module kms/xks-gateway
 * How the local KMS talks to XKS proxies: as KMS does (SigV4 with the store's credential and region, the
 * requestMetadata KMS sends, a 250 ms budget per call), and with every answer classified into the failure the
 * spec's table maps to an exception. Each call, once classified, is reported to `onCall` (kms/proxy-metrics).
 * A routed pool reaches another address than the URL names, as a VPC interface endpoint does for KMS.
 */
import { randomUUID } from "node:crypto";
import type { Agent } from "undici";
import { answerResult, attempt, classifyError, poolTlsContext, tlsPool, trustAnchors, XksClient, xksTarget, type Failed, type Result, type XksResponse } from "../client/index.js";
import {
  CDIV_ALGORITHM,
  KMS_PROXY_TIMEOUT_MS,
  verifyDecryptAnswer,
  verifyEncryptAnswer,
  verifyHealthAnswer,
  verifyMetadataAnswer,
  type HealthAnswer as Health,
  type MetadataAnswer as Metadata,
  type XksOperation,
} from "../xks/index.js";
import type { SecureContext } from "node:tls";
import { reportPeerCertificates, type SeenCertificate } from "./peer-certificate.js";
import type { XksProxySettings } from "./state.js";

/** The store a call is made for: its id labels the call's metrics; region and settings say how to reach the proxy. */
export interface ProxyStore {
  id: string;
  region: string;
  xks: XksProxySettings;
}

/** One proxy call as the gateway made it, for the metrics (kms/proxy-metrics). */
export interface GatewayCall {
  store: ProxyStore;
  xksOperation: XksOperation;
  kmsOperation: string;
  /** The call's deadline (KMS's 250 ms unless configured). */
  timeoutMs: number;
  /** How long the whole answer took; undefined when no HTTP answer (of any status) came back. */
  ms?: number | undefined;
  /** The call's failure as KMS classifies it; undefined for a success. */
  failed?: Failed | undefined;
  /** The key managers of a GetHealthStatus answer that fit the spec's schema (also when all are UNAVAILABLE). */
  fleet?: Health["ekmFleetDetails"] | undefined;
}

interface GatewayOptions {
  /** @default 250, as KMS */
  timeoutMs?: number;
  /** Extra trust anchors (the dev CA, unless --strict). */
  extraCa?: string[];
  /** The client certificate presented to proxies that ask for one (mTLS), PEM, as KMS presents its own. @default none */
  clientCert?: { cert: string; key: string } | undefined;
  /** Where a store's calls connect instead of its endpoint's address (a VPC store's declared target), if anywhere. */
  route?: (s: XksProxySettings, region: string) => string | undefined;
  /** Told of every call once it is classified. @default none */
  onCall?: (call: GatewayCall) => void;
}

interface CallerMetadata {
  kmsKeyArn: string;
  awsPrincipalArn: string;
  kmsOperation: string;
}

/** What an XKS Encrypt produced, decoded: what the ciphertext blob keeps and Decrypt sends back. */
interface SealedParts {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  ciphertextMetadata?: Buffer | undefined;
}

export class XksGateway {
  readonly timeoutMs: number;
  readonly #agent: Agent;
  readonly #secureContext: SecureContext;
  readonly #route: GatewayOptions["route"];
  readonly #onCall: GatewayOptions["onCall"];
  /** One pool per declared target (a finite list from the config). */
  readonly #routed = new Map<string, Agent>();
  /**
   * The peer certificate each pool's latest new connection presented, by `<target>|<origin host>` (target "" for
   * the direct pool). Read by the metrics when they render (certificateOf); hosts no store uses any more are dropped
   * by keepCertificatesOf.
   */
  readonly #certificates = new Map<string, SeenCertificate>();

  constructor(o: GatewayOptions = {}) {
    this.timeoutMs = o.timeoutMs ?? KMS_PROXY_TIMEOUT_MS;
    this.#secureContext = poolTlsContext({ ca: trustAnchors(o.extraCa), clientCert: o.clientCert });
    this.#agent = this.#pool(undefined);
    this.#route = o.route;
    this.#onCall = o.onCall;
  }

  #pool(target: string | undefined): Agent {
    const wrapConnect = (c: Parameters<typeof reportPeerCertificates>[0]) => reportPeerCertificates(c, (host, cert) => this.#certificates.set(`${target ?? ""}|${host}`, cert));
    return tlsPool({ secureContext: this.#secureContext, timeoutMs: this.timeoutMs, connectTo: target, wrapConnect });
  }

  #dispatcher(s: XksProxySettings, region: string): Agent {
    const target = this.#route?.(s, region);
    if (!target) return this.#agent;
    let pool = this.#routed.get(target);
    if (!pool) this.#routed.set(target, (pool = this.#pool(target)));
    return pool;
  }

  /** The key of a store's certificate: the pool its calls use and its endpoint's host. */
  #certificateKey(store: ProxyStore): string | undefined {
    try {
      return `${this.#route?.(store.xks, store.region) ?? ""}|${new URL(store.xks.uriEndpoint).host}`;
    } catch {
      return undefined;
    }
  }

  /** The certificate the latest new connection to this store's proxy presented, if one was seen. */
  certificateOf(store: ProxyStore): SeenCertificate | undefined {
    const key = this.#certificateKey(store);
    return key === undefined ? undefined : this.#certificates.get(key);
  }

  /** Drops the certificates of every endpoint none of `stores` uses (a deleted store's, a failed create's). */
  keepCertificatesOf(stores: readonly ProxyStore[]): void {
    const used = new Set(stores.map((s) => this.#certificateKey(s)));
    for (const key of this.#certificates.keys()) if (!used.has(key)) this.#certificates.delete(key);
  }

  #client(s: XksProxySettings, region: string): XksClient {
    return new XksClient(
      xksTarget({ endpoint: s.uriEndpoint, path: s.uriPath, accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey }, region),
      { timeoutMs: this.timeoutMs, dispatcher: this.#dispatcher(s, region) },
    );
  }

  /**
   * One call: sent, classified, and reported to onCall. `seen` is filled by `parse` with what the metrics read from
   * an answer beyond its verdict (the health fleet).
   */
  async #call<T>(
    store: ProxyStore,
    op: { xksOperation: XksOperation; kmsOperation: string },
    call: () => Promise<XksResponse>,
    parse: (res: XksResponse, seen: Pick<GatewayCall, "fleet">) => Result<T>,
  ): Promise<Result<T>> {
    const o = await attempt(call, this.timeoutMs);
    const seen: Pick<GatewayCall, "fleet"> = {};
    const r: Result<T> = !o.ok ? o : o.res.status !== 200 ? classifyError(o.res) : parse(o.res, seen);
    this.#onCall?.({ store, ...op, timeoutMs: this.timeoutMs, ms: o.ok ? o.res.ms : undefined, failed: r.ok ? undefined : r, ...seen });
    return r;
  }

  health(store: ProxyStore, kmsOperation: string): Promise<Result<Health>> {
    const { xks: s, region } = store;
    return this.#call(
      store,
      { xksOperation: "health", kmsOperation },
      () => this.#client(s, region).health({ kmsOperation, kmsRequestId: randomUUID() }),
      (res, seen) => {
        const p = answerResult(verifyHealthAnswer(res.json), "health answer");
        if (!p.ok) return p;
        seen.fleet = p.value.ekmFleetDetails;
        if (p.value.ekmFleetDetails.every((d) => d.healthStatus === "UNAVAILABLE")) return { ok: false, failure: "AllKeyManagersUnavailable", detail: "every key manager is UNAVAILABLE" };
        return p;
      },
    );
  }

  metadata(store: ProxyStore, xksKeyId: string, caller: Omit<CallerMetadata, "kmsKeyArn"> & { kmsKeyArn?: string }): Promise<Result<Metadata>> {
    const { xks: s, region } = store;
    return this.#call(
      store,
      { xksOperation: "metadata", kmsOperation: caller.kmsOperation },
      () => this.#client(s, region).metadata(xksKeyId, { ...caller, kmsRequestId: randomUUID() }),
      (res) => {
        return answerResult(verifyMetadataAnswer(res.json), "metadata answer");
      },
    );
  }

  /** Encrypt, always asking for the CDIV and verifying it (every byte rule: src/xks/answers.ts), as KMS does. */
  encrypt(store: ProxyStore, xksKeyId: string, plaintext: Buffer, aad: Buffer, caller: CallerMetadata): Promise<Result<SealedParts>> {
    const { xks: s, region } = store;
    const aadB64 = aad.toString("base64");
    return this.#call(
      store,
      { xksOperation: "encrypt", kmsOperation: caller.kmsOperation },
      () => this.#client(s, region).encrypt(xksKeyId, { plaintext: plaintext.toString("base64"), additionalAuthenticatedData: aadB64, ciphertextDataIntegrityValueAlgorithm: CDIV_ALGORITHM }, { ...caller, kmsRequestId: randomUUID() }),
      (res) => {
        const p = answerResult(verifyEncryptAnswer(res.json, { plaintextBytes: plaintext.length, aad, cdivAsked: true }), "encrypt answer");
        if (!p.ok) return p;
        const { iv, tag, ciphertext, ciphertextMetadata } = p.value;
        return { ok: true, value: { iv, tag, ciphertext, ciphertextMetadata } };
      },
    );
  }

  decrypt(store: ProxyStore, xksKeyId: string, sealed: SealedParts, aad: Buffer, caller: CallerMetadata): Promise<Result<Buffer>> {
    const { xks: s, region } = store;
    return this.#call(
      store,
      { xksOperation: "decrypt", kmsOperation: caller.kmsOperation },
      () =>
        this.#client(s, region).decrypt(
          xksKeyId,
          {
            ciphertext: sealed.ciphertext.toString("base64"),
            initializationVector: sealed.iv.toString("base64"),
            authenticationTag: sealed.tag.toString("base64"),
            additionalAuthenticatedData: aad.toString("base64"),
            ...(sealed.ciphertextMetadata ? { ciphertextMetadata: sealed.ciphertextMetadata.toString("base64") } : {}),
          },
          { ...caller, kmsRequestId: randomUUID() },
        ),
      (res) => answerResult(verifyDecryptAnswer(res.json, { ciphertextBytes: sealed.ciphertext.length }), "decrypt answer"),
    );
  }

  async close(): Promise<void> {
    await Promise.all([this.#agent, ...this.#routed.values()].map((a) => a.close()));
  }
}
