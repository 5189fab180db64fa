/**
 * @module kms/xks-gateway
 * How the local KMS talks to XKS proxies: as KMS does (SigV4 with the store's credential and region, the
 * requestMetadata KMS sends, a 250 ms budget per call), and with every answer classified into the failure the
 * spec's table maps to an exception.
 */
import { randomUUID } from "node:crypto";
import type { Agent } from "undici";
import { attempt, classifyError, poolTlsContext, tlsPool, trustAnchors, XksClient, xksTarget, type Failed, type XksResponse } from "../client/index.js";
import { decodeBase64, computeCdiv, CDIV_ALGORITHM, KMS_PROXY_TIMEOUT_MS, DecryptResponse, EncryptResponse, HealthResponse, MetadataResponse, describeIssues, type HealthResponse as Health, type MetadataResponse as Metadata } from "../xks/index.js";
import type { SecureContext } from "node:tls";
import { routedPool } from "./endpoint-route.js";
import type { XksProxySettings } from "./state.js";

interface GatewayOptions {
  /** @default 250, as KMS */
  timeoutMs?: number;
  /** Extra trust anchors (the dev CA, unless --strict). */
  extraCa?: string[];
  /** The client certificate presented to proxies that ask for one (mTLS), PEM, as KMS presents its own. @default none */
  clientCert?: { cert: string; key: string } | undefined;
  /** Where a store's calls connect instead of its endpoint's address (a VPC store's declared target), if anywhere. */
  route?: (s: XksProxySettings, region: string) => string | undefined;
}

type Result<T> = { ok: true; value: T } | Failed;

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
  /** One pool per declared target (a finite list from the config). */
  readonly #routed = new Map<string, Agent>();

  constructor(o: GatewayOptions = {}) {
    this.timeoutMs = o.timeoutMs ?? KMS_PROXY_TIMEOUT_MS;
    this.#secureContext = poolTlsContext({ ca: trustAnchors(o.extraCa), clientCert: o.clientCert });
    this.#agent = tlsPool({ secureContext: this.#secureContext, timeoutMs: this.timeoutMs });
    this.#route = o.route;
  }

  #dispatcher(s: XksProxySettings, region: string): Agent {
    const target = this.#route?.(s, region);
    if (!target) return this.#agent;
    let pool = this.#routed.get(target);
    if (!pool) this.#routed.set(target, (pool = routedPool(target, this.#secureContext, this.timeoutMs)));
    return pool;
  }

  #client(s: XksProxySettings, region: string): XksClient {
    return new XksClient(
      xksTarget({ endpoint: s.uriEndpoint, path: s.uriPath, accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey }, region),
      { timeoutMs: this.timeoutMs, dispatcher: this.#dispatcher(s, region) },
    );
  }

  async #call<T>(call: () => Promise<XksResponse>, parse: (res: XksResponse) => Result<T>): Promise<Result<T>> {
    const o = await attempt(call, this.timeoutMs);
    if (!o.ok) return o;
    if (o.res.status !== 200) return classifyError(o.res);
    return parse(o.res);
  }

  health(s: XksProxySettings, region: string, kmsOperation: string): Promise<Result<Health>> {
    return this.#call(
      () => this.#client(s, region).health({ kmsOperation, kmsRequestId: randomUUID() }),
      (res) => {
        const p = HealthResponse.safeParse(res.json);
        if (!p.success) return { ok: false, failure: "MalformedResponse", detail: describeIssues(p.error) };
        if (p.data.ekmFleetDetails.every((d) => d.healthStatus === "UNAVAILABLE")) return { ok: false, failure: "AllKeyManagersUnavailable", detail: "every key manager is UNAVAILABLE" };
        return { ok: true, value: p.data };
      },
    );
  }

  metadata(s: XksProxySettings, region: string, xksKeyId: string, caller: Omit<CallerMetadata, "kmsKeyArn"> & { kmsKeyArn?: string }): Promise<Result<Metadata>> {
    return this.#call(
      () => this.#client(s, region).metadata(xksKeyId, { ...caller, kmsRequestId: randomUUID() }),
      (res) => {
        const p = MetadataResponse.safeParse(res.json);
        return p.success ? { ok: true, value: p.data } : { ok: false, failure: "MalformedResponse", detail: describeIssues(p.error) };
      },
    );
  }

  /** Encrypt, always asking for the CDIV and verifying it, as KMS does; the answer's Base64 decoded once, here. */
  encrypt(s: XksProxySettings, region: string, xksKeyId: string, plaintext: Buffer, aad: Buffer, caller: CallerMetadata): Promise<Result<SealedParts>> {
    const aadB64 = aad.toString("base64");
    return this.#call(
      () => this.#client(s, region).encrypt(xksKeyId, { plaintext: plaintext.toString("base64"), additionalAuthenticatedData: aadB64, ciphertextDataIntegrityValueAlgorithm: CDIV_ALGORITHM }, { ...caller, kmsRequestId: randomUUID() }),
      (res) => {
        const p = EncryptResponse.safeParse(res.json);
        if (!p.success) return { ok: false, failure: "MalformedResponse", detail: describeIssues(p.error) };
        const e = p.data;
        // The schema checked every field's Base64.
        const parts: SealedParts = {
          iv: decodeBase64(e.initializationVector)!,
          tag: decodeBase64(e.authenticationTag)!,
          ciphertext: decodeBase64(e.ciphertext)!,
          ciphertextMetadata: e.ciphertextMetadata ? decodeBase64(e.ciphertextMetadata) : undefined,
        };
        if (e.ciphertextDataIntegrityValue !== computeCdiv({ aad, ...parts })) return { ok: false, failure: "MalformedResponse", detail: "ciphertextDataIntegrityValue missing or wrong" };
        if (parts.ciphertext.length !== plaintext.length) return { ok: false, failure: "MalformedResponse", detail: "ciphertext length differs from plaintext length" };
        return { ok: true, value: parts };
      },
    );
  }

  decrypt(s: XksProxySettings, region: string, xksKeyId: string, sealed: SealedParts, aad: Buffer, caller: CallerMetadata): Promise<Result<Buffer>> {
    return this.#call(
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
      (res) => {
        const p = DecryptResponse.safeParse(res.json);
        if (!p.success) return { ok: false, failure: "MalformedResponse", detail: describeIssues(p.error) };
        const plaintext = decodeBase64(p.data.plaintext)!;
        if (plaintext.length !== sealed.ciphertext.length) return { ok: false, failure: "InvalidCiphertextReturned", detail: "plaintext length differs from ciphertext length" };
        return { ok: true, value: plaintext };
      },
    );
  }

  async close(): Promise<void> {
    await Promise.all([this.#agent, ...this.#routed.values()].map((a) => a.close()));
  }
}
