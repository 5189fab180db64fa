/**
 * @module client/xks-client
 * A client of the XKS Proxy API that signs as KMS signs (service kms-xks-proxy, SignedHeaders host;x-amz-date)
 * and sends requestMetadata as KMS does. Every knob a negative test needs (date, credential, service, body
 * changed after signing, method) is an option, so the harness and the tests share one way to talk to a proxy.
 */
import { randomUUID } from "node:crypto";
import { request, type Agent, type Dispatcher } from "undici";
import type { SecureContext } from "node:tls";
import { poolTlsContext, tlsPool, trustAnchors } from "./tls-pool.js";
import { ENCRYPTION_ALGORITHM, signXksRequest, type XksOperation, type XksCredential } from "../xks/index.js";

export interface XksTarget {
  /** https://host[:port][/prefix]/kms/xks/v1 */
  baseUrl: string;
  /** Region KMS would sign for (the key store's region). */
  region: string;
  credential: XksCredential;
}

export interface XksClientOptions {
  /** Extra trust anchor(s), PEM. */
  ca?: string | string[] | undefined;
  /** Client certificate and key for mTLS, PEM. */
  cert?: string | undefined;
  key?: string | undefined;
  /** Bound on each whole call: connect, TLS, request, response headers and the whole body. @default 3000 */
  timeoutMs?: number;
  /** Reuse one connection pool (keep-alive) across calls. @default true */
  keepAlive?: boolean;
  /** @default () => new Date() */
  now?: () => Date;
  /** Share a connection pool between clients (its TLS options win over ca/cert/key); the caller closes it. */
  dispatcher?: Dispatcher;
}

interface SendOptions {
  method?: string;
  /** Sign with this instead of the target's credential. */
  credential?: XksCredential;
  /** Sign as of this time (stale or future timestamps). */
  date?: Date;
  service?: string;
  region?: string;
  /** Sign content-type too, as curl --aws-sigv4 does. */
  signContentType?: boolean;
  /** Leave host out of SignedHeaders (a proxy must refuse that). */
  omitHost?: boolean;
  /** Send no Authorization header. */
  unsigned?: boolean;
  /** Replace the body after signing it. */
  bodyAfterSigning?: string;
  /** Extra or replacement headers, sent unsigned (e.g. a different Host after signing). */
  headers?: Record<string, string>;
  contentType?: string;
}

export interface XksResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
  ms: number;
}

interface RequestMetadataInput {
  kmsOperation?: string;
  kmsRequestId?: string;
  awsPrincipalArn?: string;
  kmsKeyArn?: string;
  [extra: string]: unknown;
}

export const DEFAULT_PRINCIPAL = "arn:aws:iam::123456789012:user/xks-harness";
export const DEFAULT_KMS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000";

/** Bounded read of a response body: a proxy cannot make the harness buffer without limit. */
export const MAX_RESPONSE_BYTES = 1 << 20;

/** An answer longer than {@link MAX_RESPONSE_BYTES}: an answer KMS could not read either (classify.ts). */
export class ResponseTooLargeError extends Error {
  readonly code = "XKS_RESPONSE_TOO_LARGE";
  constructor(readonly limit: number) {
    super(`response body larger than ${limit} bytes`);
    this.name = "ResponseTooLargeError";
  }
}

export class XksClient {
  readonly #target: XksTarget;
  readonly #timeoutMs: number;
  readonly #now: () => Date;
  readonly #pool: () => Agent;
  #agent: Agent | undefined;
  readonly #keepAlive: boolean;
  readonly #shared: Dispatcher | undefined;

  constructor(target: XksTarget, options: XksClientOptions = {}) {
    this.#target = { ...target, baseUrl: target.baseUrl.replace(/\/+$/, "") };
    this.#timeoutMs = options.timeoutMs ?? 3000;
    this.#now = options.now ?? (() => new Date());
    this.#keepAlive = options.keepAlive ?? true;
    this.#shared = options.dispatcher;
    const clientCert = options.cert && options.key ? { cert: options.cert, key: options.key } : undefined;
    // Built on first need (never, with a shared dispatcher), then reused by every pool this client makes.
    let secureContext: SecureContext | undefined;
    this.#pool = () => {
      secureContext ??= poolTlsContext({ ca: options.ca ?? trustAnchors(), clientCert });
      return tlsPool({ secureContext, timeoutMs: this.#timeoutMs });
    };
  }

  get target(): XksTarget {
    return this.#target;
  }

  #dispatcher(): Dispatcher {
    if (this.#shared) return this.#shared;
    // Without keep-alive every call gets a pool of its own, closed after it: a fresh connection each time.
    if (!this.#keepAlive) return this.#pool();
    return (this.#agent ??= this.#pool());
  }

  metadataFor(operation: XksOperation, input: RequestMetadataInput = {}): Record<string, unknown> {
    const base = { kmsRequestId: randomUUID(), ...input };
    if (operation === "health") return { kmsOperation: "KmsHealthCheck", ...base };
    const kmsOperation = { metadata: "CreateKey", encrypt: "Encrypt", decrypt: "Decrypt" }[operation];
    return { awsPrincipalArn: DEFAULT_PRINCIPAL, kmsKeyArn: DEFAULT_KMS_KEY_ARN, kmsOperation, ...base };
  }

  /** The URL path of an API, with the key id encoded as a path segment. */
  pathOf(operation: XksOperation, keyId?: string): string {
    return operation === "health" ? "/health" : `/keys/${encodeURIComponent(keyId ?? "")}/${operation}`;
  }

  health(metadata: RequestMetadataInput = {}, send: SendOptions = {}): Promise<XksResponse> {
    return this.send("/health", { requestMetadata: this.metadataFor("health", metadata) }, send);
  }

  metadata(keyId: string, metadata: RequestMetadataInput = {}, send: SendOptions = {}): Promise<XksResponse> {
    return this.send(this.pathOf("metadata", keyId), { requestMetadata: this.metadataFor("metadata", metadata) }, send);
  }

  encrypt(keyId: string, fields: { plaintext: string; additionalAuthenticatedData?: string; ciphertextDataIntegrityValueAlgorithm?: string }, metadata: RequestMetadataInput = {}, send: SendOptions = {}): Promise<XksResponse> {
    return this.send(this.pathOf("encrypt", keyId), { requestMetadata: this.metadataFor("encrypt", metadata), encryptionAlgorithm: ENCRYPTION_ALGORITHM, ...fields }, send);
  }

  decrypt(
    keyId: string,
    fields: { ciphertext: string; initializationVector: string; authenticationTag: string; ciphertextMetadata?: string; additionalAuthenticatedData?: string },
    metadata: RequestMetadataInput = {},
    send: SendOptions = {},
  ): Promise<XksResponse> {
    return this.send(this.pathOf("decrypt", keyId), { requestMetadata: this.metadataFor("decrypt", metadata), encryptionAlgorithm: ENCRYPTION_ALGORITHM, ...fields }, send);
  }

  /** Signs and sends one request to baseUrl + path. `body` is sent as given when it is a string. */
  async send(path: string, body: unknown, o: SendOptions = {}): Promise<XksResponse> {
    const url = new URL(this.#target.baseUrl + path);
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const method = o.method ?? "POST";
    const headers: Record<string, string> = { host: url.host, "content-type": o.contentType ?? "application/json", ...o.headers };
    if (!o.unsigned) {
      const signed = signXksRequest({
        host: url.host,
        path: url.pathname,
        body: text,
        method,
        region: o.region ?? this.#target.region,
        credential: o.credential ?? this.#target.credential,
        date: o.date ?? this.#now(),
        ...(o.service ? { service: o.service } : {}),
        ...(o.signContentType ? { signContentType: true } : {}),
        ...(o.omitHost ? { omitHost: true } : {}),
      });
      headers["x-amz-date"] = signed["x-amz-date"];
      headers.authorization = signed.authorization;
    }
    const sent = o.bodyAfterSigning ?? text;
    const dispatcher = this.#dispatcher();
    const start = performance.now();
    try {
      const res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body: method === "GET" || method === "HEAD" ? null : sent,
        dispatcher,
        // One deadline for the whole exchange: undici's own timeouts are per gap, so a proxy that sends a byte
        // now and then would hold the call open forever. Aborting also destroys a body still being read.
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_RESPONSE_BYTES) {
          res.body.destroy();
          throw new ResponseTooLargeError(MAX_RESPONSE_BYTES);
        }
        chunks.push(chunk as Buffer);
      }
      const responseText = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(responseText);
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, headers: res.headers, text: responseText, json, ms: performance.now() - start };
    } finally {
      if (dispatcher !== this.#agent && dispatcher !== this.#shared) await (dispatcher as Agent).close();
    }
  }

  async close(): Promise<void> {
    await this.#agent?.close();
    this.#agent = undefined;
  }
}
