import { describe, expect, it } from "vitest";
import { frameAad } from "./aad.js";
import { GCM_REF_STYLE_VECTOR, GCM_VECTORS, SPEC_AAD_TEXT, SPEC_FRAMED_AAD_HEX, SPEC_METADATA_TEXT } from "./spec-vectors.fixture.js";

const b64 = (text: string | undefined) => (text === undefined ? undefined : Buffer.from(text, "base64"));
const utf8 = (text: string) => Buffer.from(text, "utf8");

const cases: { name: string; aad: Uint8Array | undefined; metadata: Uint8Array | undefined; hex: string }[] = [
  { name: "spec example (Encrypt, ciphertextMetadata; 49 bytes)", aad: utf8(SPEC_AAD_TEXT), metadata: utf8(SPEC_METADATA_TEXT), hex: SPEC_FRAMED_AAD_HEX },
  { name: "both absent", aad: undefined, metadata: undefined, hex: "000000" },
  { name: "both empty", aad: new Uint8Array(), metadata: new Uint8Array(), hex: "000000" },
  { name: "metadata only", aad: undefined, metadata: utf8("ab"), hex: "0000026162" },
  { name: "AAD only", aad: utf8("ab"), metadata: undefined, hex: "0002616200" },
  { name: "bytes moved from AAD into metadata differ", aad: utf8("a"), metadata: utf8("b"), hex: "0001610162" },
  { name: "256-byte AAD uses both length bytes", aad: new Uint8Array(256), metadata: undefined, hex: `0100${"00".repeat(256)}00` },
];

describe("frameAad", () => {
  it.each(cases)("$name", ({ aad, metadata, hex }) => expect(frameAad(aad, metadata).toString("hex")).toBe(hex));

  it("the spec example is 49 bytes", () => expect(frameAad(utf8(SPEC_AAD_TEXT), utf8(SPEC_METADATA_TEXT))).toHaveLength(49));

  it.each(GCM_VECTORS)("GCM vector key-manager AAD: $name", ({ aad, ciphertextMetadata, framedAadHex }) =>
    expect(frameAad(b64(aad), b64(ciphertextMetadata)).toString("hex")).toBe(framedAadHex),
  );

  it("is not the reference proxy's SHA-256 framing", () =>
    expect(frameAad(utf8(SPEC_AAD_TEXT), utf8(SPEC_METADATA_TEXT)).toString("hex")).not.toBe(GCM_REF_STYLE_VECTOR.framedAadHex));

  it("accepts an AAD of 65535 bytes", () => {
    const framed = frameAad(new Uint8Array(0xffff));
    expect(framed).toHaveLength(2 + 0xffff + 1);
    expect(framed.subarray(0, 2).toString("hex")).toBe("ffff");
  });

  it("throws RangeError for an AAD of 65536 bytes", () => expect(() => frameAad(new Uint8Array(0x10000))).toThrow(RangeError));

  it("throws RangeError for metadata over 255 bytes", () => expect(() => frameAad(undefined, new Uint8Array(256))).toThrow(RangeError));
});
