/**
 * The conformance suite's strict expectations, on hand-built responses: what passes, what fails, and that a failure
 * says what was expected and what came back. The encrypt vectors are the spec's Appendix C example.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { XksResponse } from "../../src/client/index.js";
import { expectEncrypt, expectError, expectHealth, expectPlaintext, expectUsableMetadata } from "./expect.js";

/** A response as XksClient returns it; `contentType` null = no Content-Type header. */
function response(status: number, body: unknown, contentType: string | null = "application/json; charset=utf-8"): XksResponse {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers: contentType === null ? {} : { "content-type": contentType }, text, json, ms: 1 };
}

describe("expectError", () => {
  it("passes the exact status, errorName and a JSON content type", () => {
    expect(expectError(response(400, { errorName: "ValidationException", errorMessage: "plaintext is required" }), "ValidationException")).toEqual({
      pass: true,
      expected: "400 ValidationException",
      actual: "HTTP 400 ValidationException",
    });
    expect(expectError(response(401, { errorName: "AuthenticationFailedException" }, "application/json"), "AuthenticationFailedException").pass).toBe(true);
  });

  it.each([
    { name: "the right name with another status", res: response(500, { errorName: "ValidationException" }) },
    { name: "the right status with another name", res: response(400, { errorName: "InvalidStateException" }) },
    { name: "a name that differs in case", res: response(400, { errorName: "validationException" }) },
    { name: "the name only inside errorMessage", res: response(400, { errorName: "Error", errorMessage: "ValidationException" }) },
    { name: "a success", res: response(200, { healthStatus: "ACTIVE" }) },
    { name: "a body that is not JSON", res: response(400, "ValidationException", "text/plain") },
    { name: "an empty body", res: response(400, "", null) },
  ])("fails $name, showing what came back", ({ res }) => {
    const o = expectError(res, "ValidationException");
    expect(o.pass).toBe(false);
    expect(o.expected).toBe("400 ValidationException");
    expect(o.actual).toBe(`HTTP ${res.status} ${res.text || "(empty body)"}`);
  });

  it("accepts any one of several names, each only with its own status", () => {
    expect(expectError(response(400, { errorName: "InvalidCiphertextException" }), "ValidationException", "InvalidCiphertextException")).toMatchObject({
      pass: true,
      expected: "400 ValidationException or 400 InvalidCiphertextException",
      actual: "HTTP 400 InvalidCiphertextException",
    });
    expect(expectError(response(404, { errorName: "KeyNotFoundException" }), "ValidationException", "InvalidCiphertextException").pass).toBe(false);
  });

  it.each([
    { contentType: "text/plain" },
    { contentType: "text/html; charset=utf-8" },
    { contentType: "application/jsonp" },
    { contentType: null },
  ])("fails a JSON error body served as $contentType", ({ contentType }) => {
    const o = expectError(response(400, { errorName: "ValidationException" }, contentType), "ValidationException");
    expect(o).toEqual({ pass: false, expected: "400 ValidationException as application/json", actual: `Content-Type ${contentType ?? "undefined"}` });
  });

  it.each([
    { name: "absent", message: undefined, pass: true },
    { name: "empty", message: "", pass: true },
    { name: "511 printable ASCII chars", message: "x".repeat(511), pass: true },
    { name: "the whole printable range", message: " ~!09AZaz{}", pass: true },
    { name: "512 chars", message: "x".repeat(512), pass: false },
    { name: "a newline", message: "bad\nrequest", pass: false },
    { name: "a tab", message: "bad\trequest", pass: false },
    { name: "non-ASCII", message: "clé inconnue", pass: false },
    { name: "DEL (0x7f)", message: "bad\x7f", pass: false },
    { name: "a number", message: 42, pass: false },
    { name: "null", message: null, pass: false },
  ])("errorMessage $name: pass=$pass", ({ message, pass }) => {
    const body = message === undefined ? { errorName: "KeyNotFoundException" } : { errorName: "KeyNotFoundException", errorMessage: message };
    const o = expectError(response(404, body), "KeyNotFoundException");
    expect(o.pass).toBe(pass);
    if (!pass) expect(o.expected).toBe("404 KeyNotFoundException, errorMessage < 512 printable ASCII chars");
  });
});

// Spec Appendix C example: "Hello World!" under AAD "project=nile,department=marketing" and metadata "key_version=1".
const V = {
  plaintext: "SGVsbG8gV29ybGQh",
  aad: "cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n",
  ciphertextMetadata: "a2V5X3ZlcnNpb249MQ==",
  iv: "HMrlRw85cAJUd5Ax",
  ciphertext: "ghxkK1txeDNn3q8Y",
  tag: "vBxN2ncH1oEkR8WVXpmyYQ==",
  cdiv: "qHA/ImC9h5HsLRXqCyPmWgYx7tzyoTplzILbP0fPXsc=",
} as const;

const sealedBody = (over: Record<string, unknown> = {}) => ({
  ciphertext: V.ciphertext,
  initializationVector: V.iv,
  authenticationTag: V.tag,
  ciphertextMetadata: V.ciphertextMetadata,
  ...over,
});
const b64 = (n: number) => Buffer.alloc(n, 7).toString("base64");

describe("expectEncrypt", () => {
  it("passes the spec's example with its CDIV recomputed, and returns what a decrypt needs", () => {
    const r = expectEncrypt(response(200, sealedBody({ ciphertextDataIntegrityValue: V.cdiv })), V.plaintext, V.aad, true);
    expect(r.outcome).toEqual({ pass: true, expected: "200, a valid ciphertext", actual: "12 B ciphertext, 12 B IV, 16 B tag, ciphertextMetadata, CDIV verified" });
    expect(r.sealed).toEqual({ body: sealedBody(), aad: V.aad });
  });

  it("passes a 16-byte IV, no metadata, no CDIV asked", () => {
    const r = expectEncrypt(response(200, { ciphertext: V.ciphertext, initializationVector: b64(16), authenticationTag: V.tag }), V.plaintext, undefined, false);
    expect(r.outcome).toMatchObject({ pass: true, actual: "12 B ciphertext, 16 B IV, 16 B tag" });
    expect(r.sealed?.aad).toBeUndefined();
  });

  it("recomputes a CDIV without AAD over metadata, IV, ciphertext and tag alone", () => {
    const cdiv = createHash("sha256")
      .update(Buffer.concat([V.ciphertextMetadata, V.iv, V.ciphertext, V.tag].map((p) => Buffer.from(p, "base64"))))
      .digest("base64");
    expect(expectEncrypt(response(200, sealedBody({ ciphertextDataIntegrityValue: cdiv })), V.plaintext, undefined, true).outcome.pass).toBe(true);
    // The CDIV with AAD is not the CDIV without it.
    expect(expectEncrypt(response(200, sealedBody({ ciphertextDataIntegrityValue: V.cdiv })), V.plaintext, undefined, true).outcome.pass).toBe(false);
  });

  it.each([
    { name: "ciphertext with the tag appended (28 B)", over: { ciphertext: Buffer.concat([Buffer.from(V.ciphertext, "base64"), Buffer.from(V.tag, "base64")]).toString("base64") }, actual: "28 bytes" },
    { name: "ciphertext one byte short", over: { ciphertext: b64(11) }, actual: "11 bytes" },
  ])("fails $name: GCM keeps the plaintext's length", ({ over, actual }) => {
    const r = expectEncrypt(response(200, sealedBody(over)), V.plaintext, V.aad, false);
    expect(r.outcome).toEqual({ pass: false, expected: "ciphertext of 12 bytes (GCM keeps the length)", actual });
    expect(r.sealed).toBeUndefined();
  });

  it.each([
    { name: "an 8-byte IV", over: { initializationVector: b64(8) }, problem: "initializationVector decodes to 8 bytes; it must be 12 or 16 bytes" },
    { name: "a 13-byte IV", over: { initializationVector: b64(13) }, problem: "initializationVector decodes to 13 bytes" },
    { name: "a 12-byte tag", over: { authenticationTag: b64(12) }, problem: "authenticationTag decodes to 12 bytes; it must be 16 bytes" },
    { name: "21 bytes of ciphertextMetadata", over: { ciphertextMetadata: b64(21) }, problem: "ciphertextMetadata decodes to 21 bytes" },
    { name: "URL-safe Base64", over: { ciphertext: "ghxkK1txeDNn3q8Y".replace("+", "-") + "-_-_" }, problem: "ciphertext is not canonical standard Base64" },
    { name: "no IV", over: { initializationVector: undefined }, problem: "initializationVector" },
    { name: "a numeric ciphertext", over: { ciphertext: 12 }, problem: "ciphertext must be a Base64 string" },
  ])("fails $name, naming the field", ({ over, problem }) => {
    const r = expectEncrypt(response(200, sealedBody(over)), V.plaintext, V.aad, false);
    expect(r.outcome.pass).toBe(false);
    expect(r.outcome.expected).toBe("200 with ciphertext, IV (12|16 B), tag (16 B), optional ciphertextMetadata (<= 20 B)");
    expect(r.outcome.actual).toContain(problem);
    expect(r.sealed).toBeUndefined();
  });

  it("fails a missing CDIV when SHA_256 was requested (and only then)", () => {
    const r = expectEncrypt(response(200, sealedBody()), V.plaintext, V.aad, true);
    expect(r.outcome).toMatchObject({ pass: false, expected: "ciphertextDataIntegrityValue (SHA_256 was requested)" });
    expect(r.outcome.actual).toMatch(/^HTTP 200 \{"ciphertext":/);
    expect(expectEncrypt(response(200, sealedBody()), V.plaintext, V.aad, false).outcome.pass).toBe(true);
  });

  it("fails a CDIV with one bit flipped, showing the recomputed value and the one returned", () => {
    const bytes = Buffer.from(V.cdiv, "base64");
    bytes[0]! ^= 1;
    const wrong = bytes.toString("base64");
    const r = expectEncrypt(response(200, sealedBody({ ciphertextDataIntegrityValue: wrong })), V.plaintext, V.aad, true);
    expect(r.outcome).toEqual({ pass: false, expected: `CDIV ${V.cdiv} (recomputed: SHA-256 of AAD, metadata, IV, ciphertext, tag)`, actual: wrong });
  });

  it("fails a CDIV that is not 32 bytes", () => {
    const r = expectEncrypt(response(200, sealedBody({ ciphertextDataIntegrityValue: b64(20) })), V.plaintext, V.aad, true);
    expect(r.outcome.pass).toBe(false);
    expect(r.outcome.actual).toContain("ciphertextDataIntegrityValue decodes to 20 bytes");
  });

  it.each([
    { name: "an error status", res: response(400, { errorName: "ValidationException" }), expected: "200 with ciphertext" },
    { name: "a 201", res: response(201, sealedBody()), expected: "200 with ciphertext" },
    { name: "a text/plain 200", res: response(200, sealedBody(), "text/plain"), expected: "as application/json" },
  ])("fails $name", ({ res, expected }) => {
    const r = expectEncrypt(res, V.plaintext, V.aad, false);
    expect(r.outcome.pass).toBe(false);
    expect(r.outcome.expected).toContain(expected);
  });
});

describe("the other expectations", () => {
  const health = { xksProxyFleetSize: 2, xksProxyVendor: "v", xksProxyModel: "m", ekmVendor: "e", ekmFleetDetails: [{ id: "1", model: "m", healthStatus: "ACTIVE" }] };

  it("expectHealth: the spec's schema, fleet size > 0, 1-10 key managers, status enum", () => {
    expect(expectHealth(response(200, health))).toEqual({ pass: true, expected: "200 with a valid health document", actual: "200, fleet 2, 1 key manager(s)" });
    expect(expectHealth(response(200, { ...health, xksProxyFleetSize: 0 })).pass).toBe(false);
    expect(expectHealth(response(200, { ...health, ekmFleetDetails: [] })).pass).toBe(false);
    expect(expectHealth(response(200, { ...health, ekmFleetDetails: Array.from({ length: 11 }, (_, i) => ({ id: `${i}`, model: "m", healthStatus: "ACTIVE" })) })).pass).toBe(false);
    expect(expectHealth(response(200, { ...health, ekmFleetDetails: [{ id: "1", model: "m", healthStatus: "OK" }] })).pass).toBe(false);
    expect(expectHealth(response(200, { healthStatus: "ACTIVE" })).pass).toBe(false);
  });

  it("expectUsableMetadata: AES_256, ENCRYPT and DECRYPT, ENABLED", () => {
    expect(expectUsableMetadata(response(200, { keySpec: "AES_256", keyUsage: ["ENCRYPT", "DECRYPT"], keyStatus: "ENABLED" }))).toMatchObject({ pass: true, actual: "AES_256 ENCRYPT+DECRYPT ENABLED" });
    const rsa = expectUsableMetadata(response(200, { keySpec: "RSA_0", keyUsage: ["ENCRYPT", "DECRYPT"], keyStatus: "ENABLED" }));
    expect(rsa).toMatchObject({ pass: false, expected: "200, keySpec AES_256, keyUsage with ENCRYPT and DECRYPT, keyStatus ENABLED" });
    expect(rsa.actual).toContain('"keySpec":"RSA_0"');
    expect(expectUsableMetadata(response(200, { keySpec: "AES_256", keyUsage: ["ENCRYPT"], keyStatus: "ENABLED" })).pass).toBe(false);
    expect(expectUsableMetadata(response(200, { keySpec: "AES_256", keyUsage: ["ENCRYPT", "DECRYPT"], keyStatus: "DISABLED" })).pass).toBe(false);
    expect(expectUsableMetadata(response(200, { keySpec: "AES_256", keyUsage: Array(11).fill("ENCRYPT").concat("DECRYPT"), keyStatus: "ENABLED" })).pass).toBe(false);
  });

  it("expectPlaintext: the original plaintext, exactly", () => {
    expect(expectPlaintext(response(200, { plaintext: V.plaintext }), V.plaintext)).toEqual({ pass: true, expected: "200, the original plaintext", actual: "12 B, identical" });
    expect(expectPlaintext(response(200, { plaintext: "SGVsbG8gV29ybGQ=" }), V.plaintext)).toEqual({ pass: false, expected: "200, the original plaintext", actual: "a different plaintext" });
    expect(expectPlaintext(response(400, { errorName: "InvalidCiphertextException" }), V.plaintext).pass).toBe(false);
  });
});
