/**
 * @module xks/sigv4/canonical-request
 * The SigV4 canonical request, string to sign and signing key (spec Appendix A). XKS URIs carry no query
 * string and only RFC 3986 unreserved characters, so the canonical URI is the path as sent.
 */
import { createHmac, hash } from "node:crypto";
import { SIGV4_ALGORITHM, SIGV4_TERMINATOR } from "../constants.js";

export type HeaderValue = string | readonly string[] | undefined;

interface CanonicalInput {
  method: string;
  path: string;
  /** Header names in lowercase. */
  headers: Readonly<Record<string, HeaderValue>>;
  signedHeaders: readonly string[];
  body: Uint8Array | string;
}

export function sha256Hex(data: Uint8Array | string): string {
  // One-shot: no Hash object per call (every request hashes its body and its canonical request).
  return hash("sha256", data, "hex");
}

/** Whitespace other than single spaces: only then is there anything to fold. */
const NEEDS_FOLDING = /\s\s|[^\S ]/;

/** The value trimmed and inner runs of whitespace folded to one space. */
function foldSpaces(value: string): string {
  const trimmed = value.trim();
  return NEEDS_FOLDING.test(trimmed) ? trimmed.replace(/\s+/g, " ") : trimmed;
}

/** `name:value` with the value folded; repeated headers joined by commas. */
function canonicalHeaderValue(value: HeaderValue): string {
  if (typeof value === "string") return foldSpaces(value);
  if (value === undefined) return "";
  return value.length === 1 ? foldSpaces(value[0]!) : value.map(foldSpaces).join(",");
}

export function canonicalRequest(input: CanonicalInput): string {
  let headerLines = "";
  for (const h of input.signedHeaders) headerLines += `${h}:${canonicalHeaderValue(input.headers[h])}\n`;
  return `${input.method.toUpperCase()}\n${input.path}\n\n${headerLines}\n${input.signedHeaders.join(";")}\n${sha256Hex(input.body)}`;
}

export function credentialScope(scopeDate: string, region: string, service: string): string {
  return `${scopeDate}/${region}/${service}/${SIGV4_TERMINATOR}`;
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
}

export function signingKey(secret: string, scopeDate: string, region: string, service: string): Buffer {
  const hmac = (key: Uint8Array | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, scopeDate), region), service), SIGV4_TERMINATOR);
}

export function signatureHex(key: Uint8Array, toSign: string): string {
  return signature(key, toSign).toString("hex");
}

/** The signature as bytes, for a constant-time compare without hex strings. */
export function signature(key: Uint8Array, toSign: string): Buffer {
  return createHmac("sha256", key).update(toSign, "utf8").digest();
}
