/**
 * @module harness/load/artillery/xks-request
 * The part of the Artillery processor that knows XKS: SigV4 signing as KMS signs (service `kms-xks-proxy`,
 * SignedHeaders `host;x-amz-date`, a fresh X-Amz-Date), and the checks of an answer (shape, CDIV, plaintext).
 * It imports only src/xks modules that use nothing but Node built-ins, because `--emit-artillery` copies the
 * compiled closure of this module to runners where our package is not installed (emit-processor.ts checks it).
 */
import { decodeBase64 } from "../../../src/xks/base64.js";
import { expectedCdiv } from "../../../src/xks/cdiv.js";
import { KMS_SIGNED_HEADERS, SIGV4_ALGORITHM, XKS_SIGV4_SERVICE } from "../../../src/xks/constants.js";
import { XKS_LIMITS } from "../../../src/xks/limits.js";
import type { EncryptResponse } from "../../../src/xks/schemas.js";
import { formatAmzDate } from "../../../src/xks/sigv4/amz-date.js";
import { canonicalRequest, credentialScope, signatureHex, stringToSign } from "../../../src/xks/sigv4/canonical-request.js";
import { SigningKeyCache } from "../../../src/xks/sigv4/signing-key-cache.js";

/** The subset of JSON Schema that zod's toJSONSchema writes for the metadata and health answers. */
export interface JsonShape {
  type?: string;
  properties?: Record<string, JsonShape>;
  required?: string[];
  enum?: unknown[];
  items?: JsonShape;
  minItems?: number;
  maxItems?: number;
  exclusiveMinimum?: number;
  minimum?: number;
  maximum?: number;
}

/** Why `value` does not fit `shape` (the first problem), or undefined. Unknown keywords are ignored. */
export function shapeProblem(value: unknown, shape: JsonShape, path = "body"): string | undefined {
  const t = shape.type;
  const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
  if (t === "object" && !isObject) return `${path} must be an object`;
  if (t === "array" && !Array.isArray(value)) return `${path} must be an array`;
  if (t === "string" && typeof value !== "string") return `${path} must be a string`;
  if ((t === "number" || t === "integer") && (typeof value !== "number" || !Number.isFinite(value))) return `${path} must be a number`;
  if (t === "integer" && !Number.isInteger(value)) return `${path} must be an integer`;
  if (shape.enum && !shape.enum.includes(value)) return `${path} must be one of ${shape.enum.join(", ")}`;
  if (typeof value === "number") {
    if (shape.exclusiveMinimum !== undefined && !(value > shape.exclusiveMinimum)) return `${path} must be above ${shape.exclusiveMinimum}`;
    if (shape.minimum !== undefined && value < shape.minimum) return `${path} must be at least ${shape.minimum}`;
    if (shape.maximum !== undefined && value > shape.maximum) return `${path} must be at most ${shape.maximum}`;
  }
  if (Array.isArray(value)) {
    if (shape.minItems !== undefined && value.length < shape.minItems) return `${path} must have at least ${shape.minItems} entries`;
    if (shape.maxItems !== undefined && value.length > shape.maxItems) return `${path} must have at most ${shape.maxItems} entries`;
    if (shape.items) for (const [i, v] of value.entries()) {
      const p = shapeProblem(v, shape.items, `${path}[${i}]`);
      if (p) return p;
    }
  }
  if (isObject) {
    const o = value as Record<string, unknown>;
    for (const name of shape.required ?? []) if (o[name] === undefined) return `${path}.${name} is missing`;
    for (const [name, sub] of Object.entries(shape.properties ?? {})) {
      const p = o[name] === undefined ? undefined : shapeProblem(o[name], sub, `${path}.${name}`);
      if (p) return p;
    }
  }
  return undefined;
}

const keys = new SigningKeyCache();

/** The headers that sign a POST of `body` to `url` as KMS does, at `date`. */
export function signedHeaders(url: URL, body: string, o: { region: string; accessKeyId: string; secretAccessKey: string; date: Date }): Record<string, string> {
  const amzDate = formatAmzDate(o.date);
  const scopeDate = amzDate.slice(0, 8);
  const headers = { host: url.host, "x-amz-date": amzDate };
  const canonical = canonicalRequest({ method: "POST", path: url.pathname, headers, signedHeaders: KMS_SIGNED_HEADERS, body });
  const scope = credentialScope(scopeDate, o.region, XKS_SIGV4_SERVICE);
  const signature = signatureHex(keys.get(o.secretAccessKey, scopeDate, o.region, XKS_SIGV4_SERVICE), stringToSign(amzDate, scope, canonical));
  return {
    ...headers,
    "content-type": "application/json",
    authorization: `${SIGV4_ALGORITHM} Credential=${o.accessKeyId}/${scope}, SignedHeaders=${KMS_SIGNED_HEADERS.join(";")}, Signature=${signature}`,
  };
}

/**
 * Why an Encrypt answer is wrong, or undefined: its fields must be canonical Base64 of the spec's sizes and its
 * CDIV (spec Appendix C) must match the ciphertext returned, as `load` checks (harness/load/operations.ts).
 */
export function encryptProblem(json: unknown, aad: Uint8Array | undefined): string | undefined {
  const r = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  for (const field of ["ciphertext", "initializationVector", "authenticationTag", "ciphertextDataIntegrityValue"]) {
    if (typeof r[field] !== "string" || !decodeBase64(r[field])) return `encrypt answer: ${field} is missing or not canonical Base64`;
  }
  if (r.ciphertextMetadata !== undefined && (typeof r.ciphertextMetadata !== "string" || !decodeBase64(r.ciphertextMetadata))) return "encrypt answer: ciphertextMetadata is not canonical Base64";
  if (!XKS_LIMITS.ivBytes.includes(decodeBase64(r.initializationVector as string)!.length)) return "encrypt answer: initializationVector must be 12 or 16 bytes";
  if (decodeBase64(r.authenticationTag as string)!.length !== XKS_LIMITS.tagBytes) return "encrypt answer: authenticationTag must be 16 bytes";
  return r.ciphertextDataIntegrityValue === expectedCdiv(r as unknown as EncryptResponse, aad) ? undefined : "encrypt answer: ciphertextDataIntegrityValue does not match the ciphertext returned";
}
