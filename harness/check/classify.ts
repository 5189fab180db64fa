/**
 * @module harness/check/classify
 * Turns what came back from a proxy into the failure KMS would see (digest §3.4 decision table).
 */
import { isXksErrorName } from "../../src/xks/errors.js";
import type { ProxyFailure } from "../../src/xks/kms-failures.js";
import type { XksResponse } from "../xks-client.js";

export interface Failed {
  ok: false;
  failure: ProxyFailure;
  detail: string;
}
export type Outcome = { ok: true; res: XksResponse } | Failed;

/** A response that is not 200: the errorName when the body names one from the spec table, else malformed. */
export function classifyError(res: XksResponse): Failed {
  const name = (res.json as { errorName?: unknown } | undefined)?.errorName;
  if (isXksErrorName(name)) return { ok: false, failure: name, detail: `HTTP ${res.status} ${name}` };
  return { ok: false, failure: "MalformedResponse", detail: `HTTP ${res.status} with ${res.json === undefined ? "a body that is not JSON" : "no errorName from the spec"}: ${res.text.slice(0, 120)}` };
}

/** A request that got no response at all. */
export function classifyNetworkError(err: unknown, timeoutMs: number): Failed {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? e.name ?? "ERROR";
  if (/TIMEOUT|TimeoutError|AbortError/i.test(code)) return { ok: false, failure: "Timeout", detail: `no response within ${timeoutMs} ms` };
  if (/CERT|SSL|TLS|ERR_TLS/i.test(code)) return { ok: false, failure: "TlsFailure", detail: `TLS failed: ${code}` };
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

/** One line of advice per failure, for the auth-like checks. */
export const FIXES: Partial<Record<ProxyFailure, string>> = {
  AuthenticationFailedException: "the proxy does not accept this access key id and secret: add the new credential on the proxy first (keep the old one until KMS has switched)",
  InvalidUriPathException: "the proxy serves no XKS API at this path: correct XksProxyUriPath (it includes the prefix and /kms/xks/v1)",
  MalformedResponse: "the proxy's answer is not what the spec defines; check the proxy (or what sits in front of it, e.g. a load balancer error page)",
  ValidationException: "the proxy rejected KMS's request as invalid; check the proxy's version and configuration",
  InternalException: "the proxy cannot reach its key manager; check the proxy's logs and the key manager",
  ThrottlingException: "the proxy is throttling; retry later or raise its quota",
  DependencyTimeoutException: "the proxy timed out calling its key manager; check the key manager",
  Timeout: "the proxy did not answer within the limit; KMS waits at most 250 ms",
  TcpFailure: "the proxy cannot be reached; check that it is up and the endpoint is right",
  TlsFailure: "TLS failed; see the tls check",
  AllKeyManagersUnavailable: "every key manager behind the proxy reports UNAVAILABLE; bring at least one back",
  AccessDeniedException: "the proxy's secondary authorization refused; GetHealthStatus must be exempt from it",
};
