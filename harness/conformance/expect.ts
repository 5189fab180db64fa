/**
 * @module harness/conformance/expect
 * Strict expectations on XKS responses: the answers are verified by src/xks/answers.ts (as everywhere else);
 * each expectation words the result as a CaseOutcome that says what was expected and what came back, so a report
 * reads without the code.
 */
import {
  AES_256_KEY_SPEC,
  decodeBase64,
  expectedCdiv,
  isValidErrorMessage,
  keyUnusableReason,
  verifyDecryptAnswer,
  verifyEncryptAnswer,
  verifyHealthAnswer,
  verifyMetadataAnswer,
  XKS_ERRORS,
  type AnswerCheck,
  type EncryptAnswer,
  type XksErrorName,
} from "../../src/xks/index.js";
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

/** A 200 JSON answer checked by `verify`; its shape's problems worded as "200 with <what>". */
function expectAnswer<T>(res: XksResponse, what: string, verify: (json: unknown) => AnswerCheck<T>): { ok: true; value: T } | { ok: false; outcome: CaseOutcome; check?: Exclude<AnswerCheck<T>, { ok: true }> } {
  if (res.status !== 200) return { ok: false, outcome: bad(`200 with ${what}`, show(res)) };
  if (!isJsonResponse(res)) return { ok: false, outcome: bad(`200 with ${what} as application/json`, `Content-Type ${String(res.headers["content-type"])}`) };
  const r = verify(res.json);
  if (!r.ok) return { ok: false, outcome: bad(`200 with ${what}`, `${show(res)} — ${r.problem}`), check: r };
  return r;
}

export function expectHealth(res: XksResponse): CaseOutcome {
  const r = expectAnswer(res, "a health document (fleet size > 0, 1-10 ekmFleetDetails, status enum)", verifyHealthAnswer);
  return r.ok ? ok("200 with a valid health document", `200, fleet ${r.value.xksProxyFleetSize}, ${r.value.ekmFleetDetails.length} key manager(s)`) : r.outcome;
}

export function expectUsableMetadata(res: XksResponse): CaseOutcome {
  const r = expectAnswer(res, "keySpec, keyUsage (<= 10), keyStatus", verifyMetadataAnswer);
  if (!r.ok) return r.outcome;
  const m = r.value;
  const expected = `200, keySpec ${AES_256_KEY_SPEC}, keyUsage with ENCRYPT and DECRYPT, keyStatus ENABLED`;
  if (keyUnusableReason(m)) return bad(expected, show(res));
  return ok(expected, `${m.keySpec} ${m.keyUsage.join("+")} ${m.keyStatus}`);
}

export interface Sealed {
  body: EncryptAnswer["fields"];
  aad?: string | undefined;
}

/** A valid encrypt answer: schema, IV 12|16 B, tag 16 B, ciphertext as long as the plaintext, CDIV if asked. */
export function expectEncrypt(res: XksResponse, plaintext: string, aad: string | undefined, cdivAsked: boolean): { outcome: CaseOutcome; sealed?: Sealed } {
  const ptLen = decodeBase64(plaintext)!.length;
  const aadBytes = aad === undefined ? undefined : decodeBase64(aad);
  const r = expectAnswer(res, "ciphertext, IV (12|16 B), tag (16 B), optional ciphertextMetadata (<= 20 B)", (json) => verifyEncryptAnswer(json, { plaintextBytes: ptLen, aad: aadBytes, cdivAsked }));
  if (!r.ok) {
    const body = res.json as Record<string, string>;
    if (r.check?.rule === "ciphertext-length") return { outcome: bad(`ciphertext of ${ptLen} bytes (GCM keeps the length)`, `${decodeBase64(body.ciphertext!)!.length} bytes`) };
    if (r.check?.rule === "cdiv-missing") return { outcome: bad("ciphertextDataIntegrityValue (SHA_256 was requested)", show(res)) };
    if (r.check?.rule === "cdiv") {
      // Recomputed here for the report only: the verifier already compared it.
      const cdiv = expectedCdiv(body as never, aadBytes);
      return { outcome: bad(`CDIV ${cdiv} (recomputed: SHA-256 of AAD, metadata, IV, ciphertext, tag)`, body.ciphertextDataIntegrityValue!) };
    }
    return { outcome: r.outcome };
  }
  const e = r.value;
  const parts = `${e.ciphertext.length} B ciphertext, ${e.iv.length} B IV, 16 B tag${e.ciphertextMetadata ? ", ciphertextMetadata" : ""}${cdivAsked ? ", CDIV verified" : ""}`;
  return { outcome: ok("200, a valid ciphertext", parts), sealed: { body: e.fields, aad } };
}

export function expectPlaintext(res: XksResponse, plaintext: string): CaseOutcome {
  const bytes = decodeBase64(plaintext)!.length;
  const r = expectAnswer(res, "plaintext", (json) => verifyDecryptAnswer(json, { ciphertextBytes: bytes, matches: (text) => text === plaintext }));
  // A plaintext of another length is a different plaintext too.
  if (!r.ok) return r.check?.rule === "plaintext" ? bad("200, the original plaintext", "a different plaintext") : r.outcome;
  return ok("200, the original plaintext", `${bytes} B, identical`);
}
