/**
 * @module harness/load/artillery/xks-request
 * The part of the Artillery processor that checks an answer as `load` does (harness/load/operations.ts): its
 * shape, the sizes of its fields (XKS_BYTE_RULES, shared with the zod schemas), its CDIV, its plaintext. The
 * processor signs with src/xks/sigv4/sign-headers.ts. It imports only src/xks modules that use nothing but Node
 * built-ins, because `--emit-artillery` copies the compiled closure of the processor to runners where our
 * package is not installed (emit-processor.ts checks it).
 */
import { decodeBase64 } from "../../../src/xks/base64.js";
import { expectedCdiv } from "../../../src/xks/cdiv.js";
import { XKS_BYTE_RULES } from "../../../src/xks/limits.js";
import type { EncryptResponse } from "../../../src/xks/schemas.js";

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

/** The Base64 fields of an Encrypt answer, as EncryptResponse (src/xks/schemas.ts) has them. */
const ENCRYPT_FIELDS = [
  { field: "ciphertext", required: true },
  { field: "initializationVector", required: true, size: XKS_BYTE_RULES.initializationVector },
  { field: "authenticationTag", required: true, size: XKS_BYTE_RULES.authenticationTag },
  { field: "ciphertextMetadata", required: false, size: XKS_BYTE_RULES.ciphertextMetadata },
  // Optional to the schema, but `load` finds a missing one does not match: here it is required outright.
  { field: "ciphertextDataIntegrityValue", required: true, size: XKS_BYTE_RULES.ciphertextDataIntegrityValue },
] as const;

/**
 * Why an Encrypt answer is wrong, or undefined: its fields must be canonical Base64 of the spec's sizes and its
 * CDIV (spec Appendix C) must match the ciphertext returned, as `load` checks (harness/load/operations.ts).
 */
export function encryptProblem(json: unknown, aad: Uint8Array | undefined): string | undefined {
  const r = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  for (const f of ENCRYPT_FIELDS) {
    const text = r[f.field];
    if (text === undefined && !f.required) continue;
    const bytes = typeof text === "string" ? decodeBase64(text) : undefined;
    if (!bytes) return `encrypt answer: ${f.field} is ${f.required ? "missing or " : ""}not canonical Base64`;
    if ("size" in f && !f.size.ok(bytes.length)) return `encrypt answer: ${f.field} decodes to ${bytes.length} bytes; it must be ${f.size.rule}`;
  }
  return r.ciphertextDataIntegrityValue === expectedCdiv(r as unknown as EncryptResponse, aad) ? undefined : "encrypt answer: ciphertextDataIntegrityValue does not match the ciphertext returned";
}
