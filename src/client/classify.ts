/**
 * @module client/classify
 * Turns what came back from a proxy into the failure KMS would see (docs/spec-notes.md, "What KMS makes of a proxy's answer"). The harness
 * predicts with it; the local KMS acts on it.
 */
import { isXksErrorName, type ProxyFailure } from "../xks/index.js";
import { ResponseTooLargeError, type XksResponse } from "./xks-client.js";

export interface Failed {
  ok: false;
  failure: ProxyFailure;
  detail: string;
}
type Outcome = { ok: true; res: XksResponse } | Failed;

/** A response that is not 200: the errorName when the body names one from the spec table, else malformed. */
export function classifyError(res: XksResponse): Failed {
  const name = (res.json as { errorName?: unknown } | undefined)?.errorName;
  if (isXksErrorName(name)) return { ok: false, failure: name, detail: `HTTP ${res.status} ${name}` };
  return { ok: false, failure: "MalformedResponse", detail: `HTTP ${res.status} with ${res.json === undefined ? "a body that is not JSON" : "no errorName from the spec"}: ${res.text.slice(0, 120)}` };
}

/** The code of a failed request's error (Node's, undici's, or the name of the DOMException a signal aborts with). */
export function networkErrorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
  // Only string codes: the DOMException an AbortSignal.timeout() rejects with has the numeric code 23 (TIMEOUT_ERR).
  return [e?.code, e?.cause?.code, e?.name].find((c): c is string => typeof c === "string") ?? "ERROR";
}

/** A request that got no response at all, or one whose answer could not be read. */
export function classifyNetworkError(err: unknown, timeoutMs: number): Failed {
  const code = networkErrorCode(err);
  // Read no further than the cap: an answer that long is not one KMS could read (spec table: invalid response).
  if (err instanceof ResponseTooLargeError) return { ok: false, failure: "MalformedResponse", detail: `the answer is longer than ${err.limit} bytes; no XKS answer comes near that` };
  if (/TIMEOUT|TimeoutError|AbortError/i.test(code)) return { ok: false, failure: "Timeout", detail: `no response within ${timeoutMs} ms` };
  // OpenSSL's verify codes do not all say CERT: UNABLE_TO_VERIFY_LEAF_SIGNATURE is an untrusted issuer.
  if (/CERT|SSL|TLS|UNABLE_TO_VERIFY|INVALID_CA|PATH_LENGTH_EXCEEDED|INVALID_PURPOSE/i.test(code)) return { ok: false, failure: "TlsFailure", detail: `TLS failed: ${code}` };
  if (code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "EPIPE") return { ok: false, failure: "MalformedResponse", detail: `the proxy closed the connection without an answer (${code})` };
  return { ok: false, failure: "TcpFailure", detail: `request failed: ${code}` };
}

export async function attempt(call: () => Promise<XksResponse>, timeoutMs: number): Promise<Outcome> {
  try {
    return { ok: true, res: await call() };
  } catch (err) {
    return classifyNetworkError(err, timeoutMs);
  }
}
