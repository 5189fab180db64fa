/**
 * @module client/classify
 * The calls that got no answer (network, TLS, timeout, an answer too long to read), classified as KMS would see
 * them; the answers themselves are classified by src/xks/kms-outcome.ts. The harness predicts with it; the local
 * KMS acts on it.
 */
import { errorOutcome, type Failed, type KmsOutcome } from "../xks/index.js";
import { errorWords, libraryText } from "../error-words.js";
import { ResponseTooLargeError, type XksResponse } from "./xks-client.js";

/** The code of a failed request's error (Node's, undici's, or the name of the DOMException a signal aborts with). */
export function networkErrorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
  // Only string codes: the DOMException an AbortSignal.timeout() rejects with has the numeric code 23 (TIMEOUT_ERR).
  return [e?.code, e?.cause?.code, e?.name].find((c): c is string => typeof c === "string") ?? "ERROR";
}

/** The cause in words (the caller knows the fix: which flag, which service), else the library's code and text. */
function errorCause(err: unknown): string {
  return errorWords(err)?.cause ?? libraryText(err);
}

/** A request that got no response at all, or one whose answer could not be read. */
export function classifyNetworkError(err: unknown, timeoutMs: number): Failed {
  const code = networkErrorCode(err);
  // Read no further than the cap: an answer that long is not one KMS could read (spec table: invalid response).
  if (err instanceof ResponseTooLargeError) return { ok: false, failure: "MalformedResponse", detail: `the answer is longer than ${err.limit} bytes; no XKS answer comes near that` };
  if (/TIMEOUT|TimeoutError|AbortError/i.test(code)) return { ok: false, failure: "Timeout", detail: `no response within ${timeoutMs} ms` };
  // OpenSSL's verify codes do not all say CERT: UNABLE_TO_VERIFY_LEAF_SIGNATURE is an untrusted issuer.
  if (/CERT|SSL|TLS|UNABLE_TO_VERIFY|INVALID_CA|PATH_LENGTH_EXCEEDED|INVALID_PURPOSE/i.test(code)) return { ok: false, failure: "TlsFailure", detail: `TLS failed: ${errorCause(err)}` };
  if (code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "EPIPE") return { ok: false, failure: "MalformedResponse", detail: `the proxy closed the connection without an answer (${code})` };
  return { ok: false, failure: "TcpFailure", detail: `request failed: ${errorCause(err)}` };
}

export async function attempt(call: () => Promise<XksResponse>, timeoutMs: number): Promise<{ ok: true; res: XksResponse } | Failed> {
  try {
    return { ok: true, res: await call() };
  } catch (err) {
    return classifyNetworkError(err, timeoutMs);
  }
}

export function classifyThrown(err: unknown, timeoutMs: number): KmsOutcome {
  const failed = classifyNetworkError(err, timeoutMs);
  if (failed.failure === "Timeout") return { kind: "kms-timeout" };
  return errorOutcome(failed);
}
