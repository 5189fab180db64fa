/**
 * @module xks/constants
 * Protocol constants of the XKS Proxy API v1 (spec v1.0.3). Every other module takes these names
 * from here, so a fact of the spec is written once.
 */

/** The edition of the XKS Proxy API specification (aws/aws-kms-xksproxy-api-spec) this project implements. */
export const XKS_API_VERSION = "1.0.3";

/** The URI path suffix every v1 base URI ends with (spec "URI shape"). */
export const XKS_API_SUFFIX = "/kms/xks/v1";

/** SigV4 service name KMS signs with (spec Appendix A). */
export const XKS_SIGV4_SERVICE = "kms-xks-proxy";

/** SigV4 algorithm identifier. */
export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";

/** SigV4 scope terminator. */
export const SIGV4_TERMINATOR = "aws4_request";

/** Headers KMS signs over HTTP/1.1 (spec Appendix A); a proxy must insist on both being signed. */
export const KMS_SIGNED_HEADERS = ["host", "x-amz-date"] as const;

/** Requests whose X-Amz-Date is more than this far from the proxy's clock SHOULD fail (spec Appendix A). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** KMS waits at most this long for any proxy call, connect + TLS + request + response (spec "Timing"). */
export const KMS_PROXY_TIMEOUT_MS = 250;

/** Recommended network round trip between AWS and the proxy (spec "Timing"). */
export const RECOMMENDED_RTT_MS = 35;

/** Default XKS request quota of a key store, in requests per second (spec "GetHealthStatus"). */
export const DEFAULT_XKS_TPS = 1800;

/** The four XKS APIs, by the last path segment that selects them. */
export const XKS_OPERATIONS = ["health", "metadata", "encrypt", "decrypt"] as const;
export type XksOperation = (typeof XKS_OPERATIONS)[number];

/** Spec names of the four APIs, for messages and logs. */
export const XKS_API_NAMES: Record<XksOperation, string> = {
  health: "GetHealthStatus",
  metadata: "GetKeyMetadata",
  encrypt: "Encrypt",
  decrypt: "Decrypt",
};

/** TLS: 1.2 or later, with these suites (spec "HTTP and TLS"), as OpenSSL/Node cipher names. */
export const XKS_TLS_MIN_VERSION = "TLSv1.2";
export const XKS_TLS_CIPHERS = [
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
] as const;

/** v1 algorithm identifiers. */
export const ENCRYPTION_ALGORITHM = "AES_GCM";
export const CDIV_ALGORITHM = "SHA_256";
export const AES_256_KEY_SPEC = "AES_256";

/** Subject CN of the client certificate KMS presents for mTLS (spec "mTLS"). */
export function kmsClientSubject(region: string): string {
  return `cks.kms.${region}.amazonaws.com`;
}
