import { describe, expect, it } from "vitest";
import { SIGV4_INPUT, SIGV4_VECTORS } from "../spec-vectors.fixture.js";
import { canonicalRequest, credentialScope, sha256Hex, signatureHex, signingKey, stringToSign } from "./canonical-request.js";

const input = (signedHeaders: readonly string[], headers: Record<string, string | string[]>, body: Uint8Array | string = SIGV4_INPUT.body) => ({
  method: "POST",
  path: SIGV4_INPUT.path,
  headers,
  signedHeaders,
  body,
});

describe("SigV4 vector", () => {
  it("payload hash of the 113-byte body", () => {
    expect(Buffer.byteLength(SIGV4_INPUT.body)).toBe(113);
    expect(sha256Hex(SIGV4_INPUT.body)).toBe(SIGV4_INPUT.payloadHash);
    expect(sha256Hex(Buffer.from(SIGV4_INPUT.body))).toBe(SIGV4_INPUT.payloadHash);
  });

  it("credential scope", () => expect(credentialScope(SIGV4_INPUT.scopeDate, SIGV4_INPUT.region, SIGV4_INPUT.service)).toBe(SIGV4_INPUT.scope));

  it("signing key", () =>
    expect(signingKey(SIGV4_INPUT.secret, SIGV4_INPUT.scopeDate, SIGV4_INPUT.region, SIGV4_INPUT.service).toString("hex")).toBe(SIGV4_INPUT.signingKeyHex));

  it.each(SIGV4_VECTORS)("$name: canonical request", ({ signedHeaders, headers, canonicalRequest: expected, canonicalRequestHash }) => {
    const canonical = canonicalRequest(input(signedHeaders, headers));
    expect(canonical).toBe(expected);
    expect(sha256Hex(canonical)).toBe(canonicalRequestHash);
  });

  it.each(SIGV4_VECTORS)("$name: canonical request from a Buffer body", ({ signedHeaders, headers, canonicalRequest: expected }) =>
    expect(canonicalRequest(input(signedHeaders, headers, Buffer.from(SIGV4_INPUT.body)))).toBe(expected));

  it.each(SIGV4_VECTORS)("$name: string to sign", ({ canonicalRequest: canonical, stringToSign: expected }) =>
    expect(stringToSign(SIGV4_INPUT.amzDate, SIGV4_INPUT.scope, canonical)).toBe(expected));

  it.each(SIGV4_VECTORS)("$name: signature", ({ stringToSign: toSign, signature }) =>
    expect(signatureHex(Buffer.from(SIGV4_INPUT.signingKeyHex, "hex"), toSign)).toBe(signature));

  it.each(SIGV4_VECTORS)("$name: end to end", ({ signedHeaders, headers, signature }) => {
    const toSign = stringToSign(SIGV4_INPUT.amzDate, SIGV4_INPUT.scope, canonicalRequest(input(signedHeaders, headers)));
    expect(signatureHex(signingKey(SIGV4_INPUT.secret, SIGV4_INPUT.scopeDate, SIGV4_INPUT.region, SIGV4_INPUT.service), toSign)).toBe(signature);
  });
});

describe("canonicalRequest", () => {
  const A = SIGV4_VECTORS[0]!;

  it("uppercases the method", () => expect(canonicalRequest({ ...input(A.signedHeaders, A.headers), method: "post" })).toBe(A.canonicalRequest));

  it("trims header values and folds inner runs of whitespace", () =>
    expect(canonicalRequest(input(A.signedHeaders, { host: "  xks.example.com\t", "x-amz-date": " 20240515T120000Z " }))).toBe(A.canonicalRequest));

  it("joins a repeated header with commas", () =>
    expect(canonicalRequest(input(["x-amz-date"], { "x-amz-date": ["a  b", " c "] })).split("\n")[3]).toBe("x-amz-date:a b,c"));

  it("lists only the signed headers, in the order given", () => {
    const lines = canonicalRequest(input(["content-type", "host", "x-amz-date"], { ...A.headers, "user-agent": "x" })).split("\n");
    expect(lines.slice(3, 6)).toEqual(["content-type:application/json", "host:xks.example.com", "x-amz-date:20240515T120000Z"]);
    expect(lines.join("\n")).not.toContain("user-agent");
  });

  it("hashes an empty body as SHA-256 of nothing", () =>
    expect(canonicalRequest(input(A.signedHeaders, A.headers, "")).split("\n").at(-1)).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ));
});
