/**
 * @module harness/conformance/expect
 * Strict expectations on XKS responses. Each returns a CaseOutcome that says what was expected and what came
 * back, so a report reads without the code.
 */
import { decodeBase64 } from "../../src/xks/base64.js";
import { expectedCdiv } from "../../src/xks/cdiv.js";
import { XKS_ERRORS, isValidErrorMessage, type XksErrorName } from "../../src/xks/errors.js";
import { AES_256_KEY_SPEC } from "../../src/xks/constants.js";
import { DecryptResponse, EncryptResponse, HealthResponse, MetadataResponse, UsableKeyMetadata, describeIssues, type EncryptResponse as EncryptBody } from "../../src/xks/schemas.js";
import type { XksResponse } from "../../src/client/index.js";
import type { CaseOutcome } from "./types.js";

export function show(res: XksResponse): string {
  const body = res.text.length > 200 ? `${res.text.slice(0, 197)}...` : res.text;
  return `HTTP ${res.status} ${body || "(empty body)"}`;
}

export const ok = (expected: string, actual: string): CaseOutcome => ({ pass: true, expected, actual });
export const bad = (expected: string, actual: string): CaseOutcome => ({ pass: false, expected, actual });

function isJsonResponse(res: XksResponse): boolean {
  const type = String(res.headers["content-type"] ?? "").split(";")[0]!.trim();
  return type === "application/json";
}

/** The spec's error: exact status and errorName, JSON, errorMessage (if any) < 512 printable ASCII. */
export function expectError(res: XksResponse, ...names: XksErrorName[]): CaseOutcome {
  const expected = names.map((n) => `${XKS_ERRORS[n].status} ${n}`).join(" or ");
  const body = res.json as { errorName?: unknown; errorMessage?: unknown } | undefined;
  const name = names.find((n) => body?.errorName === n && res.status === XKS_ERRORS[n].status);
  if (!name) return bad(expected, show(res));
  if (!isJsonResponse(res)) return bad(`${expected} as application/json`, `Content-Type ${String(res.headers["content-type"])}`);
  if (body?.errorMessage !== undefined && !isValidErrorMessage(body.errorMessage)) return bad(`${expected}, errorMessage < 512 printable ASCII chars`, show(res));
  return ok(expected, `HTTP ${res.status} ${name}`);
}

function expectSchema<T>(res: XksResponse, what: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import("zod").ZodError } }): { ok: true; value: T } | { ok: false; outcome: CaseOutcome } {
  if (res.status !== 200) return { ok: false, outcome: bad(`200 with ${what}`, show(res)) };
  if (!isJsonResponse(res)) return { ok: false, outcome: bad(`200 with ${what} as application/json`, `Content-Type ${String(res.headers["content-type"])}`) };
  const parsed = schema.safeParse(res.json);
  if (!parsed.success) return { ok: false, outcome: bad(`200 with ${what}`, `${show(res)} — ${describeIssues(parsed.error)}`) };
  return { ok: true, value: parsed.data };
}

export function expectHealth(res: XksResponse): CaseOutcome {
  const r = expectSchema(res, "a health document (fleet size > 0, 1-10 ekmFleetDetails, status enum)", HealthResponse);
  return r.ok ? ok("200 with a valid health document", `200, fleet ${r.value.xksProxyFleetSize}, ${r.value.ekmFleetDetails.length} key manager(s)`) : r.outcome;
}

export function expectUsableMetadata(res: XksResponse): CaseOutcome {
  const r = expectSchema(res, "keySpec, keyUsage (<= 10), keyStatus", MetadataResponse);
  if (!r.ok) return r.outcome;
  const m = r.value;
  const expected = `200, keySpec ${AES_256_KEY_SPEC}, keyUsage with ENCRYPT and DECRYPT, keyStatus ENABLED`;
  if (!UsableKeyMetadata.safeParse(m).success) return bad(expected, show(res));
  return ok(expected, `${m.keySpec} ${m.keyUsage.join("+")} ${m.keyStatus}`);
}

export interface Sealed {
  body: EncryptBody;
  aad?: string | undefined;
}

/** A valid encrypt answer: schema, IV 12|16 B, tag 16 B, ciphertext as long as the plaintext, CDIV if asked. */
export function expectEncrypt(res: XksResponse, plaintext: string, aad: string | undefined, cdivAsked: boolean): { outcome: CaseOutcome; sealed?: Sealed } {
  const r = expectSchema(res, "ciphertext, IV (12|16 B), tag (16 B), optional ciphertextMetadata (<= 20 B)", EncryptResponse);
  if (!r.ok) return { outcome: r.outcome };
  const e = r.value;
  const ptLen = decodeBase64(plaintext)!.length;
  const ctLen = decodeBase64(e.ciphertext)!.length;
  if (ctLen !== ptLen) return { outcome: bad(`ciphertext of ${ptLen} bytes (GCM keeps the length)`, `${ctLen} bytes`) };
  if (cdivAsked) {
    if (!e.ciphertextDataIntegrityValue) return { outcome: bad("ciphertextDataIntegrityValue (SHA_256 was requested)", show(res)) };
    const cdiv = expectedCdiv(e, aad === undefined ? undefined : decodeBase64(aad));
    if (cdiv !== e.ciphertextDataIntegrityValue) return { outcome: bad(`CDIV ${cdiv} (recomputed: SHA-256 of AAD, metadata, IV, ciphertext, tag)`, e.ciphertextDataIntegrityValue) };
  }
  const ivLen = decodeBase64(e.initializationVector)!.length;
  return { outcome: ok("200, a valid ciphertext", `${ctLen} B ciphertext, ${ivLen} B IV, 16 B tag${e.ciphertextMetadata ? ", ciphertextMetadata" : ""}${cdivAsked ? ", CDIV verified" : ""}`), sealed: { body: e, aad } };
}

export function expectPlaintext(res: XksResponse, plaintext: string): CaseOutcome {
  const r = expectSchema(res, "plaintext", DecryptResponse);
  if (!r.ok) return r.outcome;
  return r.value.plaintext === plaintext ? ok("200, the original plaintext", `${decodeBase64(plaintext)!.length} B, identical`) : bad("200, the original plaintext", "a different plaintext");
}
