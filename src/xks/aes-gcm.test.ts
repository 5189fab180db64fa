import { describe, expect, it } from "vitest";
import { type GcmContext, type GcmSealed, gcmDecrypt, gcmEncrypt } from "./aes-gcm.js";
import {
  GCM_CIPHERTEXT_B64,
  GCM_CIPHERTEXT_HEX,
  GCM_IV_B64,
  GCM_IV_HEX,
  GCM_KEY_HEX,
  GCM_PLAINTEXT_B64,
  GCM_REF_STYLE_VECTOR,
  GCM_VECTORS,
  SPEC_AAD_B64,
  SPEC_METADATA_B64,
} from "./spec-vectors.fixture.js";

const b64 = (text: string | undefined) => (text === undefined ? undefined : Buffer.from(text, "base64"));
const key = Buffer.from(GCM_KEY_HEX, "hex");
const iv = Buffer.from(GCM_IV_HEX, "hex");
const plaintext = Buffer.from(GCM_PLAINTEXT_B64, "base64");
const flip = (bytes: Uint8Array, index = 0): Buffer => {
  const copy = Buffer.from(bytes);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
};

describe("AES-256-GCM vector inputs", () => {
  it("key, IV and plaintext are the vectors' inputs", () => {
    expect(key).toHaveLength(32);
    expect(iv.toString("base64")).toBe(GCM_IV_B64);
    expect(plaintext.toString("utf8")).toBe("Hello World!");
    expect(Buffer.from(GCM_CIPHERTEXT_B64, "base64").toString("hex")).toBe(GCM_CIPHERTEXT_HEX);
  });
});

describe("gcmEncrypt", () => {
  it.each(GCM_VECTORS)("GCM vector: $name", ({ aad, ciphertextMetadata, tag }) => {
    const sealed = gcmEncrypt(key, iv, plaintext, { aad: b64(aad), ciphertextMetadata: b64(ciphertextMetadata) });
    expect(sealed.ciphertext.toString("base64")).toBe(GCM_CIPHERTEXT_B64);
    expect(sealed.tag.toString("base64")).toBe(tag);
  });

  it("the ciphertext is as long as the plaintext and the tag is 16 bytes", () => {
    const sealed = gcmEncrypt(key, iv, new Uint8Array(4300));
    expect(sealed.ciphertext).toHaveLength(4300);
    expect(sealed.tag).toHaveLength(16);
  });

  it("reference-proxy row: the spec framing does not produce the reference proxy's tag", () => {
    const sealed = gcmEncrypt(key, iv, plaintext, { aad: b64(SPEC_AAD_B64), ciphertextMetadata: b64(SPEC_METADATA_B64) });
    expect(sealed.tag.toString("base64")).not.toBe(GCM_REF_STYLE_VECTOR.tag);
    const refSealed = { ciphertext: sealed.ciphertext, tag: Buffer.from(GCM_REF_STYLE_VECTOR.tag, "base64") };
    expect(gcmDecrypt(key, iv, refSealed, { aad: b64(SPEC_AAD_B64), ciphertextMetadata: b64(SPEC_METADATA_B64) })).toBeUndefined();
  });
});

describe("gcmDecrypt", () => {
  it.each(GCM_VECTORS)("GCM vector: $name decrypts to Hello World!", ({ aad, ciphertextMetadata, tag }) => {
    const sealed = { ciphertext: Buffer.from(GCM_CIPHERTEXT_B64, "base64"), tag: Buffer.from(tag, "base64") };
    expect(gcmDecrypt(key, iv, sealed, { aad: b64(aad), ciphertextMetadata: b64(ciphertextMetadata) })?.toString("base64")).toBe(GCM_PLAINTEXT_B64);
  });

  it("round-trips with a 16-byte IV", () => {
    const iv16 = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");
    const ctx = { aad: b64(SPEC_AAD_B64), ciphertextMetadata: b64(SPEC_METADATA_B64) };
    const sealed = gcmEncrypt(key, iv16, plaintext, ctx);
    expect(sealed.ciphertext).toHaveLength(plaintext.length);
    expect(gcmDecrypt(key, iv16, sealed, ctx)).toEqual(plaintext);
    // A 16-byte IV goes through GHASH, so it is not the 12-byte IV with four more bytes.
    expect(sealed.ciphertext.toString("base64")).not.toBe(GCM_CIPHERTEXT_B64);
    expect(gcmDecrypt(key, iv16.subarray(0, 12), sealed, ctx)).toBeUndefined();
  });

  it("round-trips a 4300-byte plaintext with an 8192-byte AAD (the spec minimums)", () => {
    const big = Buffer.alloc(4300, 7);
    const ctx = { aad: Buffer.alloc(8192, 9), ciphertextMetadata: Buffer.alloc(20, 1) };
    expect(gcmDecrypt(key, iv, gcmEncrypt(key, iv, big, ctx), ctx)).toEqual(big);
  });

  it("an absent AAD or metadata equals an empty one (spec framing)", () => {
    const sealed = gcmEncrypt(key, iv, plaintext);
    expect(gcmDecrypt(key, iv, sealed, { aad: new Uint8Array(), ciphertextMetadata: new Uint8Array() })).toEqual(plaintext);
  });

  const ctx: GcmContext = { aad: Buffer.from(SPEC_AAD_B64, "base64"), ciphertextMetadata: Buffer.from(SPEC_METADATA_B64, "base64") };
  const sealed: GcmSealed = gcmEncrypt(key, iv, plaintext, ctx);

  const tampered: { name: string; key?: Uint8Array; iv?: Uint8Array; sealed?: GcmSealed; ctx?: GcmContext }[] = [
    { name: "AAD changed by one bit", ctx: { ...ctx, aad: flip(ctx.aad!) } },
    { name: "AAD swapped for the TC's aad2", ctx: { ...ctx, aad: Buffer.from("cHJvamVjdD1ibHVlLGRlcGFydG1lbnQ9ZmluYW5jZQ==", "base64") } },
    { name: "AAD missing", ctx: { ...ctx, aad: undefined } },
    { name: "metadata changed by one bit", ctx: { ...ctx, ciphertextMetadata: flip(ctx.ciphertextMetadata!, 12) } },
    { name: "metadata missing", ctx: { ...ctx, ciphertextMetadata: undefined } },
    { name: "metadata passed as AAD and AAD as metadata", ctx: { aad: ctx.ciphertextMetadata, ciphertextMetadata: ctx.aad } },
    { name: "IV changed", iv: flip(iv, 11) },
    { name: "tag changed", sealed: { ...sealed, tag: flip(sealed.tag, 15) } },
    { name: "ciphertext changed", sealed: { ...sealed, ciphertext: flip(sealed.ciphertext, 3) } },
    { name: "ciphertext truncated", sealed: { ...sealed, ciphertext: sealed.ciphertext.subarray(0, -1) } },
    { name: "wrong key", key: flip(key, 31) },
  ];

  it("round-trips the untampered spec example", () => expect(gcmDecrypt(key, iv, sealed, ctx)).toEqual(plaintext));

  it.each(tampered)("returns undefined when the $name", (t) => {
    expect(gcmDecrypt(t.key ?? key, t.iv ?? iv, t.sealed ?? sealed, t.ctx ?? ctx)).toBeUndefined();
  });

  const moved: { name: string; encrypt: GcmContext; decrypt: GcmContext }[] = [
    { name: 'aad "ab" → aad "a", metadata "b"', encrypt: { aad: Buffer.from("ab") }, decrypt: { aad: Buffer.from("a"), ciphertextMetadata: Buffer.from("b") } },
    {
      name: 'aad "ab", metadata "" → aad "a", metadata "b"',
      encrypt: { aad: Buffer.from("ab"), ciphertextMetadata: new Uint8Array() },
      decrypt: { aad: Buffer.from("a"), ciphertextMetadata: Buffer.from("b") },
    },
    { name: 'metadata "ab" → aad "a", metadata "b"', encrypt: { ciphertextMetadata: Buffer.from("ab") }, decrypt: { aad: Buffer.from("a"), ciphertextMetadata: Buffer.from("b") } },
    { name: "no AAD + metadata → the metadata supplied as AAD (the spec's attack)", encrypt: { ciphertextMetadata: Buffer.from("key_version=1") }, decrypt: { aad: Buffer.from("key_version=1") } },
  ];

  it.each(moved)("returns undefined when bytes move between AAD and metadata: $name", ({ encrypt, decrypt }) => {
    const s = gcmEncrypt(key, iv, plaintext, encrypt);
    expect(gcmDecrypt(key, iv, s, encrypt)).toEqual(plaintext);
    expect(gcmDecrypt(key, iv, s, decrypt)).toBeUndefined();
  });
});
