/**
 * @module harness/conformance/cases/ciphertext
 * Integrity: any change to ciphertext, IV, tag, AAD or ciphertextMetadata, and bytes moved between AAD and
 * ciphertextMetadata, must be detected (spec "ciphertextMetadata", "Decrypt").
 */
import { decodeBase64 } from "../../../src/xks/base64.js";
import { bad, expectError, expectPlaintext, ok } from "../expect.js";
import type { CaseOutcome, ConformanceCase, ConformanceContext } from "../types.js";
import { decryptFieldsOf, randomB64, seal, type DecryptFields } from "./common.js";

function flip(b64: string): string {
  const bytes = decodeBase64(b64)!;
  bytes[bytes.length - 1]! ^= 0x01;
  return bytes.toString("base64");
}

/** Encrypts (with `aad`), then decrypts with the fields `change` returns; expects InvalidCiphertextException. */
function tamperCase(id: string, title: string, change: (f: DecryptFields) => DecryptFields, aad?: string, expected: "InvalidCiphertextException" | "ValidationException-or-InvalidCiphertext" = "InvalidCiphertextException"): ConformanceCase {
  return {
    id,
    title,
    section: "Decrypt; ciphertextMetadata (AAD framing)",
    level: "MUST",
    run: async (ctx: ConformanceContext): Promise<CaseOutcome> => {
      const s = await seal(ctx.client, ctx.target.keyId, aad ? { aad } : {});
      if ("failed" in s) return s.failed;
      const res = await ctx.client.decrypt(ctx.target.keyId, change(decryptFieldsOf(s.sealed)));
      return expected === "InvalidCiphertextException" ? expectError(res, "InvalidCiphertextException") : expectError(res, "ValidationException", "InvalidCiphertextException");
    },
  };
}

const SHORT_AAD = Buffer.from("tenant=42").toString("base64");

export const CIPHERTEXT_CASES: ConformanceCase[] = [
  tamperCase("tamper-ciphertext", "Changed ciphertext is refused", (f) => ({ ...f, ciphertext: flip(f.ciphertext) })),
  tamperCase("tamper-iv", "Changed IV is refused", (f) => ({ ...f, initializationVector: flip(f.initializationVector) })),
  tamperCase("tamper-tag", "Changed tag is refused", (f) => ({ ...f, authenticationTag: flip(f.authenticationTag) })),
  tamperCase("tamper-iv-length", "IV of 11 bytes is refused", (f) => ({ ...f, initializationVector: randomB64(11) }), undefined, "ValidationException-or-InvalidCiphertext"),
  tamperCase("tamper-metadata-added", "ciphertextMetadata added or changed is refused", (f) => ({ ...f, ciphertextMetadata: f.ciphertextMetadata ? flip(f.ciphertextMetadata) : Buffer.from("key_version=9").toString("base64") })),
  // The framing binds both lengths: AAD bytes moved into ciphertextMetadata must not decrypt (spec's stated attack).
  tamperCase(
    "aad-moved-into-metadata",
    "AAD moved into ciphertextMetadata is refused",
    (f) => {
      const { additionalAuthenticatedData: _aad, ...rest } = f;
      const moved = Buffer.concat([decodeBase64(SHORT_AAD)!, f.ciphertextMetadata ? decodeBase64(f.ciphertextMetadata)! : Buffer.alloc(0)]);
      return { ...rest, ciphertextMetadata: moved.subarray(0, 20).toString("base64") };
    },
    SHORT_AAD,
  ),
  {
    id: "parallel-encrypts",
    title: "50 concurrent encrypts, each decrypts to its own plaintext",
    section: "Encrypt (correct under load)",
    level: "MUST",
    run: async (ctx) => {
      const n = 50;
      const sealed = await Promise.all(Array.from({ length: n }, () => seal(ctx.client, ctx.target.keyId, { plaintext: randomB64(24) })));
      const failed = sealed.find((s) => "failed" in s);
      if (failed && "failed" in failed) return bad(`${n} encrypts to succeed`, failed.failed.actual);
      const checks = await Promise.all(
        sealed.map(async (s) => {
          if ("failed" in s) throw new Error("unreachable");
          return expectPlaintext(await ctx.client.decrypt(ctx.target.keyId, decryptFieldsOf(s.sealed)), s.plaintext);
        }),
      );
      const wrong = checks.filter((c) => !c.pass);
      return wrong.length === 0 ? ok(`${n} correct round trips`, `${n} correct round trips`) : bad(`${n} correct round trips`, `${wrong.length} wrong: ${wrong[0]!.actual}`);
    },
  },
];
