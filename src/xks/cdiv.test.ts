import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { computeCdiv } from "./cdiv.js";
import { CDIV_VECTOR, GCM_CIPHERTEXT_B64, GCM_IV_B64, GCM_VECTORS } from "./spec-vectors.fixture.js";

const b64 = (text: string | undefined) => (text === undefined ? undefined : Buffer.from(text, "base64"));

const vectors: { name: string; aad?: string; ciphertextMetadata?: string; iv: string; ciphertext: string; tag: string; cdiv: string }[] = [
  { name: "spec Appendix C", ...CDIV_VECTOR },
  ...GCM_VECTORS.map((v) => ({
    name: `GCM vector: ${v.name}`,
    ...(v.aad === undefined ? {} : { aad: v.aad }),
    ...(v.ciphertextMetadata === undefined ? {} : { ciphertextMetadata: v.ciphertextMetadata }),
    iv: GCM_IV_B64,
    ciphertext: GCM_CIPHERTEXT_B64,
    tag: v.tag,
    cdiv: v.cdiv,
  })),
];

describe("computeCdiv", () => {
  it.each(vectors)("$name", ({ aad, ciphertextMetadata, iv, ciphertext, tag, cdiv }) =>
    expect(computeCdiv({ aad: b64(aad), ciphertextMetadata: b64(ciphertextMetadata), iv: b64(iv)!, ciphertext: b64(ciphertext)!, tag: b64(tag)! })).toBe(cdiv),
  );

  it("Appendix C: the hash is SHA-256 over the 86-byte concatenation", () => {
    const parts = [CDIV_VECTOR.aad, CDIV_VECTOR.ciphertextMetadata, CDIV_VECTOR.iv, CDIV_VECTOR.ciphertext, CDIV_VECTOR.tag].map((p) => Buffer.from(p, "base64"));
    const all = Buffer.concat(parts);
    expect(all).toHaveLength(86);
    expect(createHash("sha256").update(all).digest("hex")).toBe(CDIV_VECTOR.sha256Hex);
    expect(Buffer.from(CDIV_VECTOR.cdiv, "base64").toString("hex")).toBe(CDIV_VECTOR.sha256Hex);
  });

  it("absent AAD and metadata count as empty", () => {
    const base = { iv: b64(GCM_IV_B64)!, ciphertext: b64(GCM_CIPHERTEXT_B64)!, tag: b64(GCM_VECTORS[1]!.tag)! };
    expect(computeCdiv({ ...base, aad: new Uint8Array(), ciphertextMetadata: new Uint8Array() })).toBe(computeCdiv(base));
  });

  it("has no length fields: moving bytes between AAD and metadata keeps the value (only guards bit flips)", () => {
    const base = { iv: new Uint8Array(12), ciphertext: new Uint8Array(3), tag: new Uint8Array(16) };
    expect(computeCdiv({ ...base, aad: Buffer.from("ab") })).toBe(computeCdiv({ ...base, aad: Buffer.from("a"), ciphertextMetadata: Buffer.from("b") }));
  });
});
