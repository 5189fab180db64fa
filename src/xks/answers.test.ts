/**
 * The one verifier of proxy answers: every byte rule on random Encrypt answers (CDIV recomputed, one flipped byte
 * caught, ciphertext length against the plaintext's), and the metadata and health documents judged as the zod
 * response schemas judge them (the proxy's own output is typed by those).
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyDecryptAnswer, verifyEncryptAnswer, verifyHealthAnswer, verifyMetadataAnswer, type AnswerCheck } from "./answers.js";
import { computeCdiv } from "./cdiv.js";
import { EncryptResponse, HealthResponse, MetadataResponse } from "./schemas.js";

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const problem = (r: AnswerCheck<unknown>) => (r.ok ? undefined : r.problem);

function answer() {
  const [aad, ciphertext, iv, tag, meta] = [randomBytes(64), randomBytes(1 + randomBytes(1)[0]!), randomBytes(12), randomBytes(16), randomBytes(8)];
  const withMeta = randomBytes(1)[0]! % 2 === 0;
  const cdiv = computeCdiv({ aad, ciphertextMetadata: withMeta ? meta : undefined, iv, ciphertext, tag });
  const json = { ciphertext: b64(ciphertext), initializationVector: b64(iv), authenticationTag: b64(tag), ...(withMeta ? { ciphertextMetadata: b64(meta) } : {}), ciphertextDataIntegrityValue: cdiv };
  return { aad, json, expect: { plaintextBytes: ciphertext.length, aad, cdivAsked: true } };
}

describe("verifyEncryptAnswer", () => {
  it.each(Array.from({ length: 20 }, (_, i) => i))("agrees with computeCdiv on a random answer and catches one flipped byte (%i)", () => {
    const { json, expect: e } = answer();
    const ok = verifyEncryptAnswer(json, e);
    expect(ok.ok && ok.value.fields).toEqual({ ...json, ciphertextDataIntegrityValue: undefined, ...(json.ciphertextMetadata ? {} : { ciphertextMetadata: undefined }) } as never);
    const flipped = Buffer.from(json.ciphertext, "base64");
    flipped[0]! ^= 1;
    expect(verifyEncryptAnswer({ ...json, ciphertext: b64(flipped) }, e)).toMatchObject({ ok: false, rule: "cdiv", problem: "ciphertextDataIntegrityValue does not match the ciphertext returned" });
    expect(problem(verifyEncryptAnswer(json, { ...e, aad: randomBytes(64) }))).toMatch(/does not match/);
  });

  it("refuses a ciphertext one byte longer or shorter than the plaintext (AES-GCM keeps the length)", () => {
    const { json, expect: e } = answer();
    for (const n of [e.plaintextBytes + 1, e.plaintextBytes - 1]) {
      const r = verifyEncryptAnswer(json, { ...e, plaintextBytes: n });
      expect(r).toMatchObject({ ok: false, failure: "MalformedResponse", rule: "ciphertext-length" });
      expect(problem(r)).toBe(`ciphertext decodes to ${e.plaintextBytes} bytes; it must be ${n} bytes, the plaintext's length (AES-GCM keeps it)`);
    }
  });

  it("refuses missing or non-canonical Base64 and a wrong IV, tag or CDIV size", () => {
    const { json, expect: e } = answer();
    expect(verifyEncryptAnswer({ ...json, ciphertextDataIntegrityValue: undefined }, e)).toMatchObject({ ok: false, rule: "cdiv-missing" });
    expect(verifyEncryptAnswer({ ...json, ciphertextDataIntegrityValue: undefined }, { ...e, cdivAsked: false }).ok).toBe(true);
    expect(problem(verifyEncryptAnswer({ ...json, ciphertext: `${json.ciphertext} ` }, e))).toMatch(/ciphertext is not canonical standard Base64/);
    expect(problem(verifyEncryptAnswer({ ...json, ciphertext: undefined }, e))).toBe("ciphertext is missing");
    expect(problem(verifyEncryptAnswer({ ...json, ciphertext: 12 }, e))).toBe("ciphertext must be a Base64 string");
    expect(problem(verifyEncryptAnswer({ ...json, initializationVector: b64(randomBytes(8)) }, e))).toBe("initializationVector decodes to 8 bytes; it must be 12 or 16 bytes");
    expect(problem(verifyEncryptAnswer({ ...json, authenticationTag: b64(randomBytes(12)) }, e))).toBe("authenticationTag decodes to 12 bytes; it must be 16 bytes");
    expect(problem(verifyEncryptAnswer({ ...json, ciphertextDataIntegrityValue: b64(randomBytes(20)) }, e))).toMatch(/decodes to 20 bytes; it must be 32 bytes/);
    expect(problem(verifyEncryptAnswer([json], e))).toBe("the body must be a JSON object");
  });

  it("refuses ciphertextMetadata over 20 bytes, as the EncryptResponse schema does", () => {
    const { aad, json, expect: e } = answer();
    for (const n of [20, 21]) {
      const meta = randomBytes(n);
      const cdiv = computeCdiv({ aad, ciphertextMetadata: meta, iv: Buffer.from(json.initializationVector, "base64"), ciphertext: Buffer.from(json.ciphertext, "base64"), tag: Buffer.from(json.authenticationTag, "base64") });
      const withMeta = { ...json, ciphertextMetadata: b64(meta), ciphertextDataIntegrityValue: cdiv };
      expect(EncryptResponse.safeParse(withMeta).success).toBe(n <= 20);
      expect(problem(verifyEncryptAnswer(withMeta, e))).toBe(n <= 20 ? undefined : "ciphertextMetadata decodes to 21 bytes; it must be at most 20 bytes");
    }
  });
});

describe("verifyDecryptAnswer", () => {
  const plaintext = randomBytes(32);
  const same = (text: string) => text === b64(plaintext);
  it("takes the plaintext encrypted; a different one, or one of another length, is InvalidCiphertextReturned", () => {
    expect(verifyDecryptAnswer({ plaintext: b64(plaintext) }, { ciphertextBytes: 32, matches: same })).toEqual({ ok: true, value: plaintext });
    expect(verifyDecryptAnswer({ plaintext: b64(randomBytes(32)) }, { ciphertextBytes: 32, matches: same })).toMatchObject({ ok: false, failure: "InvalidCiphertextReturned", problem: "the plaintext is not the one encrypted" });
    expect(verifyDecryptAnswer({ plaintext: b64(randomBytes(33)) }, { ciphertextBytes: 32 })).toMatchObject({ ok: false, failure: "InvalidCiphertextReturned", rule: "plaintext" });
    expect(verifyDecryptAnswer({}, { ciphertextBytes: 32 })).toMatchObject({ ok: false, failure: "MalformedResponse", problem: "plaintext is missing" });
  });
});

describe("the metadata and health documents", () => {
  const health = { xksProxyFleetSize: 2, xksProxyVendor: "v", xksProxyModel: "m", ekmVendor: "e", ekmFleetDetails: [{ id: "a", model: "b", healthStatus: "ACTIVE" }] };
  const metadata = { keySpec: "AES_256", keyUsage: ["ENCRYPT", "DECRYPT"], keyStatus: "ENABLED" };
  const h = (value: unknown) => ({ verify: verifyHealthAnswer, schema: HealthResponse, value });
  const m = (value: unknown) => ({ verify: verifyMetadataAnswer, schema: MetadataResponse, value });
  const cases = [
    h(health),
    h({ ...health, extra: 1 }),
    h({ ...health, xksProxyFleetSize: 0 }),
    h({ ...health, xksProxyFleetSize: 1.5 }),
    h({ ...health, xksProxyFleetSize: "2" }),
    h({ ...health, ekmFleetDetails: [] }),
    h({ ...health, ekmFleetDetails: Array.from({ length: 10 }, (_, i) => ({ id: `${i}`, model: "m", healthStatus: "DEGRADED" })) }),
    h({ ...health, ekmFleetDetails: Array.from({ length: 11 }, (_, i) => ({ id: `${i}`, model: "m", healthStatus: "ACTIVE" })) }),
    h({ ...health, ekmFleetDetails: [{ id: "a", model: "b", healthStatus: "FINE" }] }),
    h({ ...health, ekmFleetDetails: [{ id: 1, model: "b", healthStatus: "ACTIVE" }] }),
    h({ ...health, ekmFleetDetails: ["ACTIVE"] }),
    h({ ...health, ekmVendor: undefined }),
    h([health]),
    m(metadata),
    m({ ...metadata, keySpec: "RSA_1024", keyStatus: "DISABLED" }),
    m({ ...metadata, keyStatus: "GONE" }),
    m({ ...metadata, keyUsage: Array(10).fill("ENCRYPT") }),
    m({ ...metadata, keyUsage: Array(11).fill("ENCRYPT") }),
    m({ ...metadata, keyUsage: "ENCRYPT" }),
    m({ ...metadata, keyUsage: [1] }),
    m(null),
  ];
  it.each(cases.map((c, i) => ({ ...c, i })))("judges a document as the zod schema does (case $i)", ({ verify, schema, value }) => {
    expect(verify(value).ok).toBe(schema.safeParse(value).success);
  });
});
