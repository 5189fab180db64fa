import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64, encodeBase64 } from "./base64.js";

const accepted: { name: string; text: string; hex: string }[] = [
  { name: "empty string", text: "", hex: "" },
  { name: "one byte, == padding", text: "QQ==", hex: "41" },
  { name: "two bytes, = padding", text: "QUI=", hex: "4142" },
  { name: "three bytes, no padding", text: "QUJD", hex: "414243" },
  { name: "+ and / of the standard alphabet", text: "+/+/", hex: "fbffbf" },
  { name: "spec plaintext Hello World!", text: "SGVsbG8gV29ybGQh", hex: "48656c6c6f20576f726c6421" },
  { name: "spec ciphertextMetadata key_version=1", text: "a2V5X3ZlcnNpb249MQ==", hex: "6b65795f76657273696f6e3d31" },
];

const rejected: { name: string; text: string }[] = [
  { name: "non-zero padding bits (QR== decodes like QQ==)", text: "QR==" },
  { name: "non-zero padding bits with one =", text: "QUJ=" },
  { name: "missing padding (QQ)", text: "QQ" },
  { name: "missing padding (QUI)", text: "QUI" },
  { name: "short padding (QQ=)", text: "QQ=" },
  { name: "too much padding (Q===)", text: "Q===" },
  { name: "padding only", text: "====" },
  { name: "padding in the middle", text: "QQ==QQ==" },
  { name: "URL-safe - and _", text: "-_-_" },
  { name: "URL-safe in a longer string", text: "SGVsbG8_V29ybGQh" },
  { name: "trailing newline", text: "QQ==\n" },
  { name: "leading space", text: " QQ==" },
  { name: "inner space", text: "QU JD" },
  { name: "inner CRLF (MIME line break)", text: "QUJD\r\nQUJD" },
  { name: "tab", text: "QUJD\t" },
  { name: "non-ASCII", text: "QUJé" },
  { name: "length not a multiple of 4", text: "QUJDQ" },
];

describe("decodeBase64", () => {
  it.each(accepted)("accepts $name", ({ text, hex }) => {
    expect(decodeBase64(text)?.toString("hex")).toBe(hex);
  });

  it.each(rejected)("rejects $name", ({ text }) => {
    expect(decodeBase64(text)).toBeUndefined();
  });
});

describe("encodeBase64", () => {
  it.each(accepted)("encodes $name", ({ text, hex }) => expect(encodeBase64(Buffer.from(hex, "hex"))).toBe(text));

  it("encodes only the view of a Uint8Array, not its whole buffer", () => {
    const backing = Buffer.from("xxQUJDyy", "latin1");
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 2, 4);
    expect(encodeBase64(view)).toBe(Buffer.from("QUJD").toString("base64"));
  });
});

describe("sizes", () => {
  const sizes = Array.from({ length: 41 }, (_, n) => n);
  it.each(sizes)("%i bytes round trip", (n) => {
    const text = encodeBase64(randomBytes(n));
    expect(decodeBase64(text)?.length).toBe(n);
  });

  it.each([
    { size: 20, chars: 28 },
    { size: 4096, chars: 5464 },
    { size: 4300, chars: 5736 },
    { size: 8192, chars: 10924 },
  ])("Base64 size: $size bytes is $chars chars", ({ size, chars }) => {
    const text = encodeBase64(new Uint8Array(size));
    expect(text).toHaveLength(chars);
    expect(decodeBase64(text)?.length).toBe(size);
  });
});

describe("decodeBase64 against the RFC 4648 grammar (property)", () => {
  // The grammar as a regex, here only: the decoder itself decides by round trip, so the two must agree.
  const GRAMMAR = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  const canonical = (text: string) => GRAMMAR.test(text) && Buffer.from(text, "base64").toString("base64") === text;
  const alphabet = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n.".split(""));

  it("any bytes round trip", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(decodeBase64(Buffer.from(bytes).toString("base64"))?.equals(Buffer.from(bytes))).toBe(true);
      }));
  });

  it("text near the alphabet is accepted exactly when it is canonical Base64", () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }).map((cs) => cs.join("")), (text) => {
        expect(decodeBase64(text) !== undefined).toBe(canonical(text));
      }),
      { numRuns: 5000 },
    );
  });

  it("any string is accepted exactly when it is canonical Base64", () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (text) => {
        expect(decodeBase64(text) !== undefined).toBe(canonical(text));
      }), { numRuns: 2000 });
  });
});
