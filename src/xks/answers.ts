/**
 * @module xks/answers
 * The one check of a proxy's 200 answers (spec "Encrypt", "Decrypt", "GetKeyMetadata", "GetHealthStatus",
 * Appendix C), as KMS reads them: every Base64 field canonical, every byte rule the spec gives (ciphertext as long
 * as the plaintext, IV 12 or 16 bytes, tag 16 bytes, ciphertextMetadata at most 20 bytes, CDIV 32 bytes and equal
 * to the one recomputed), the health and metadata documents' shapes. The local KMS, check, conformance, load, watch
 * and the Artillery processor all verify with it. Package-free (Node built-ins only) and allocation-light: the
 * Artillery processor copies it to runners without our package, and `load` runs it on every answer.
 */
import { decodeBase64 } from "./base64.js";
import { computeCdiv } from "./cdiv.js";
import { type ByteLengthRule, XKS_BYTE_RULES, XKS_LIMITS } from "./limits.js";

/** What KMS makes of a 200 it cannot use (kms-failures.ts): an answer it cannot read, or a decrypt that lies. */
export type WrongAnswerFailure = "MalformedResponse" | "InvalidCiphertextReturned";

/**
 * Which kind of rule an answer broke: its shape or a field's Base64 or size, the ciphertext's length against the
 * plaintext's, the CDIV (missing although asked for, or not the one recomputed), or the plaintext a decrypt returned.
 * Conformance words its expected/actual by it.
 */
export type AnswerRule = "shape" | "ciphertext-length" | "cdiv-missing" | "cdiv" | "plaintext";

/** A verified answer's content, or the first rule it breaks (one line naming the field and the rule). */
export type AnswerCheck<T> =
  | { ok: true; value: T }
  | { ok: false; failure: WrongAnswerFailure; rule: AnswerRule; problem: string };

/** An Encrypt answer that passed: the Base64 fields as sent (Decrypt sends them back) and their bytes. */
export interface EncryptAnswer {
  fields: { ciphertext: string; initializationVector: string; authenticationTag: string; ciphertextMetadata?: string };
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  ciphertextMetadata?: Buffer | undefined;
}

export interface EncryptExpectation {
  /** Decoded length of the plaintext sent: AES-GCM keeps it, so the ciphertext must have it too. */
  plaintextBytes: number;
  /** The AAD sent (decoded), bound into the CDIV. */
  aad?: Uint8Array | undefined;
  /** ciphertextDataIntegrityValueAlgorithm was sent: the CDIV must be there and match (spec Appendix C). */
  cdivAsked: boolean;
}

export const HEALTH_STATUS_VALUES: readonly string[] = ["ACTIVE", "DEGRADED", "UNAVAILABLE"];
export const KEY_STATUS_VALUES: readonly string[] = ["ENABLED", "DISABLED"];

export interface HealthAnswer {
  xksProxyFleetSize: number;
  xksProxyVendor: string;
  xksProxyModel: string;
  ekmVendor: string;
  ekmFleetDetails: { id: string; model: string; healthStatus: "ACTIVE" | "DEGRADED" | "UNAVAILABLE" }[];
}

export interface MetadataAnswer {
  keySpec: string;
  keyUsage: string[];
  keyStatus: "ENABLED" | "DISABLED";
}

const wrong = (problem: string, rule: AnswerRule = "shape", failure: WrongAnswerFailure = "MalformedResponse") =>
  ({ ok: false, failure, rule, problem }) as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The bytes of a required (or, with `optional`, absent) Base64 field, or the rule it breaks. */
function base64Field(
  o: Record<string, unknown>,
  name: string,
  size: ByteLengthRule | undefined,
  optional = false,
): Buffer | string | undefined {
  const text = o[name];
  if (text === undefined && optional) return undefined;
  if (typeof text !== "string") return `${name} ${text === undefined ? "is missing" : "must be a Base64 string"}`;
  const bytes = decodeBase64(text);
  if (!bytes) return `${name} is not canonical standard Base64 (RFC 4648 §4, with padding)`;
  if (size && !size.ok(bytes.length)) return `${name} decodes to ${bytes.length} bytes; it must be ${size.rule}`;
  return bytes;
}

/** Spec "Encrypt" and Appendix C. */
export function verifyEncryptAnswer(json: unknown, expect: EncryptExpectation): AnswerCheck<EncryptAnswer> {
  if (!isObject(json)) return wrong("the body must be a JSON object");
  const sameLength: ByteLengthRule = {
    ok: (n) => n === expect.plaintextBytes,
    rule: `${expect.plaintextBytes} bytes, the plaintext's length (AES-GCM keeps it)`,
  };
  const ciphertext = base64Field(json, "ciphertext", undefined);
  if (typeof ciphertext === "string") return wrong(ciphertext);
  if (!sameLength.ok(ciphertext!.length)) {
    return wrong(`ciphertext decodes to ${ciphertext!.length} bytes; it must be ${sameLength.rule}`, "ciphertext-length");
  }
  const iv = base64Field(json, "initializationVector", XKS_BYTE_RULES.initializationVector);
  if (typeof iv === "string") return wrong(iv);
  const tag = base64Field(json, "authenticationTag", XKS_BYTE_RULES.authenticationTag);
  if (typeof tag === "string") return wrong(tag);
  const metadata = base64Field(json, "ciphertextMetadata", XKS_BYTE_RULES.ciphertextMetadata, true);
  if (typeof metadata === "string") return wrong(metadata);
  const cdiv = base64Field(json, "ciphertextDataIntegrityValue", XKS_BYTE_RULES.ciphertextDataIntegrityValue, true);
  if (typeof cdiv === "string") return wrong(cdiv);
  if (expect.cdivAsked) {
    if (cdiv === undefined) {
      return wrong("ciphertextDataIntegrityValue is missing although SHA_256 was requested", "cdiv-missing");
    }
    const want = computeCdiv({ aad: expect.aad, ciphertextMetadata: metadata, iv: iv!, ciphertext: ciphertext!, tag: tag! });
    if (want !== json.ciphertextDataIntegrityValue) {
      return wrong("ciphertextDataIntegrityValue does not match the ciphertext returned", "cdiv");
    }
  }
  const fields = {
    ciphertext: json.ciphertext as string,
    initializationVector: json.initializationVector as string,
    authenticationTag: json.authenticationTag as string,
    ...(metadata ? { ciphertextMetadata: json.ciphertextMetadata as string } : {}),
  };
  return { ok: true, value: { fields, ciphertext: ciphertext!, iv: iv!, tag: tag!, ciphertextMetadata: metadata } };
}

export interface DecryptExpectation {
  /** The ciphertext's decoded length: the plaintext must have it (spec "Decrypt"). */
  ciphertextBytes: number;
  /** Whether the plaintext is the one encrypted, where the caller knows it (Base64 text and bytes). */
  matches?: ((plaintextBase64: string, plaintext: Buffer) => boolean) | undefined;
}

/** Spec "Decrypt": the plaintext, as long as the ciphertext, and the one encrypted. */
export function verifyDecryptAnswer(json: unknown, expect: DecryptExpectation): AnswerCheck<Buffer> {
  if (!isObject(json)) return wrong("the body must be a JSON object");
  const plaintext = base64Field(json, "plaintext", undefined);
  if (typeof plaintext === "string") return wrong(plaintext);
  if (plaintext!.length !== expect.ciphertextBytes) {
    const problem = `plaintext decodes to ${plaintext!.length} bytes; it must be ${expect.ciphertextBytes} bytes, the ciphertext's length`;
    return wrong(problem, "plaintext", "InvalidCiphertextReturned");
  }
  if (expect.matches && !expect.matches(json.plaintext as string, plaintext!)) {
    return wrong("the plaintext is not the one encrypted", "plaintext", "InvalidCiphertextReturned");
  }
  return { ok: true, value: plaintext! };
}

const stringProblem = (o: Record<string, unknown>, name: string, path = name) =>
  typeof o[name] === "string" ? undefined : `${path} ${o[name] === undefined ? "is missing" : "must be a string"}`;
const enumProblem = (o: Record<string, unknown>, name: string, values: readonly string[], path = name) =>
  values.includes(o[name] as string) ? undefined : `${path} must be one of ${values.join(", ")}`;

/** Spec "GetKeyMetadata": keySpec, keyUsage (at most 10), keyStatus ENABLED or DISABLED. */
export function verifyMetadataAnswer(json: unknown): AnswerCheck<MetadataAnswer> {
  if (!isObject(json)) return wrong("the body must be a JSON object");
  const problem =
    stringProblem(json, "keySpec") ??
    (!Array.isArray(json.keyUsage) || !json.keyUsage.every((u) => typeof u === "string")
      ? "keyUsage must be an array of strings"
      : json.keyUsage.length > XKS_LIMITS.maxKeyUsageEntries
        ? `keyUsage has ${json.keyUsage.length} entries; it may have at most ${XKS_LIMITS.maxKeyUsageEntries}`
        : undefined) ??
    enumProblem(json, "keyStatus", KEY_STATUS_VALUES);
  return problem ? wrong(problem) : { ok: true, value: json as unknown as MetadataAnswer };
}

/** What KMS additionally demands of a key it binds (CreateKey): AES_256, ENCRYPT and DECRYPT, ENABLED. */
export function keyUnusableReason(m: MetadataAnswer): string | undefined {
  if (m.keySpec !== "AES_256") return `keySpec is ${m.keySpec}; KMS needs AES_256`;
  const usable = m.keyUsage.includes("ENCRYPT") && m.keyUsage.includes("DECRYPT");
  if (!usable) return "keyUsage must include ENCRYPT and DECRYPT";
  if (m.keyStatus !== "ENABLED") return `keyStatus is ${m.keyStatus}; KMS needs ENABLED`;
  return undefined;
}

/** Spec "GetHealthStatus": fleet size a positive integer, the vendor strings, 1 to 10 ekmFleetDetails. */
export function verifyHealthAnswer(json: unknown): AnswerCheck<HealthAnswer> {
  if (!isObject(json)) return wrong("the body must be a JSON object");
  const size = json.xksProxyFleetSize;
  let problem =
    (Number.isInteger(size) && (size as number) > 0 ? undefined : "xksProxyFleetSize must be a positive integer") ??
    stringProblem(json, "xksProxyVendor") ??
    stringProblem(json, "xksProxyModel") ??
    stringProblem(json, "ekmVendor");
  const fleet = json.ekmFleetDetails;
  if (!problem && !Array.isArray(fleet)) problem = "ekmFleetDetails must be an array";
  else if (!problem && Array.isArray(fleet)) {
    if (fleet.length < XKS_LIMITS.minFleetDetails || fleet.length > XKS_LIMITS.maxFleetDetails) {
      const { minFleetDetails: min, maxFleetDetails: max } = XKS_LIMITS;
      problem = `ekmFleetDetails has ${fleet.length} entries; it must have ${min} to ${max}`;
    }
    for (let i = 0; !problem && i < fleet.length; i++) {
      const e: unknown = fleet[i];
      const path = `ekmFleetDetails.${i}`;
      problem = !isObject(e)
        ? `${path} must be an object`
        : (stringProblem(e, "id", `${path}.id`) ??
          stringProblem(e, "model", `${path}.model`) ??
          enumProblem(e, "healthStatus", HEALTH_STATUS_VALUES, `${path}.healthStatus`));
    }
  }
  return problem ? wrong(problem) : { ok: true, value: json as unknown as HealthAnswer };
}
