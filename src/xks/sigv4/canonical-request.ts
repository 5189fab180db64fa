/**
 * @module xks/sigv4/canonical-request
 * The SigV4 canonical request, string to sign and signing key (spec Appendix A). XKS URIs carry no query
 * string and only RFC 3986 unreserved characters, so the canonical URI is the path as sent.
 */
import { createHash, createHmac } from "node:crypto";
import { SIGV4_ALGORITHM, SIGV4_TERMINATOR } from "../constants.js";

export type HeaderValue = string | readonly string[] | undefined;

export interface CanonicalInput {
  method: string;
  path: string;
  /** Header names in lowercase. */
  headers: Readonly<Record<string, HeaderValue>>;
  signedHeaders: readonly string[];
  body: Uint8Array | string;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** `name:value` with the value trimmed and inner runs of spaces folded; repeated headers joined by commas. */
function canonicalHeaderValue(value: HeaderValue): string {
  const values = typeof value === "string" ? [value] : (value ?? []);
  return values.map((v) => v.trim().replace(/\s+/g, " ")).join(",");
}

export function canonicalRequest(input: CanonicalInput): string {
  return [
    input.method.toUpperCase(),
    input.path,
    "",
    ...input.signedHeaders.map((h) => `${h}:${canonicalHeaderValue(input.headers[h])}`),
    "",
    input.signedHeaders.join(";"),
    sha256Hex(input.body),
  ].join("\n");
}

export function credentialScope(scopeDate: string, region: string, service: string): string {
  return `${scopeDate}/${region}/${service}/${SIGV4_TERMINATOR}`;
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonical)].join("\n");
}

export function signingKey(secret: string, scopeDate: string, region: string, service: string): Buffer {
  const hmac = (key: Uint8Array | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, scopeDate), region), service), SIGV4_TERMINATOR);
}

export function signatureHex(key: Uint8Array, toSign: string): string {
  return createHmac("sha256", key).update(toSign, "utf8").digest("hex");
}
