/**
 * @module client
 * The public face of the XKS client: a signed client that calls a proxy as KMS does, the TLS pool it calls
 * through, and how a failed call is classified in KMS's terms. Used by the local KMS (src/kms), the harness and
 * the bench. Files inside src/client import their siblings directly; everything outside imports from here.
 */
export { attempt, classifyNetworkError, classifyThrown, networkErrorCode } from "./classify.js";
export { answerResult, classifyAnswer, classifyError, WRONG_ANSWER, type Failed, type KmsOutcome, type Result } from "../xks/index.js";
export { randomXksCredential } from "./random-credential.js";
export { keepTlsAlerts, poolTlsContext, tlsPool, trustAnchors, xksClientTlsContext } from "./tls-pool.js";
export {
  DEFAULT_KMS_KEY_ARN,
  DEFAULT_PRINCIPAL,
  MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
  XksClient,
  type XksClientOptions,
  type XksResponse,
  type XksTarget,
} from "./xks-client.js";
export { baseUrl, xksTarget, type XksConnectionSettings } from "./xks-target.js";
