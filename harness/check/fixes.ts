/**
 * @module harness/check/fixes
 * The harness's advice per failure, for the failures src/client's classification (shared with the local KMS)
 * names.
 */
import type { ProxyFailure } from "../../src/xks/kms-failures.js";
import { KMS_PROXY_TIMEOUT_MS } from "../../src/xks/constants.js";

/** One line of advice per failure, for the auth-like checks. */
export const FIXES: Partial<Record<ProxyFailure, string>> = {
  AuthenticationFailedException: "the proxy does not accept this access key id and secret: add the new credential on the proxy first (keep the old one until KMS has switched)",
  InvalidUriPathException: "the proxy serves no XKS API at this path: correct XksProxyUriPath (it includes the prefix and /kms/xks/v1)",
  MalformedResponse: "the proxy's answer is not what the spec defines; check the proxy (or what sits in front of it, e.g. a load balancer error page)",
  ValidationException: "the proxy rejected KMS's request as invalid; check the proxy's version and configuration",
  InternalException: "the proxy cannot reach its key manager; check the proxy's logs and the key manager",
  ThrottlingException: "the proxy is throttling; retry later or raise its quota",
  DependencyTimeoutException: "the proxy timed out calling its key manager; check the key manager",
  Timeout: `the proxy did not answer within the limit; KMS waits at most ${KMS_PROXY_TIMEOUT_MS} ms`,
  TcpFailure: "the proxy cannot be reached; check that it is up and the endpoint is right",
  TlsFailure: "TLS failed; see the tls check",
  AllKeyManagersUnavailable: "every key manager behind the proxy reports UNAVAILABLE; bring at least one back",
  AccessDeniedException: "the proxy's secondary authorization refused; GetHealthStatus must be exempt from it",
};
