import { describe, expect, it } from "vitest";
import { SIGV4_INPUT, SIGV4_VECTORS } from "../spec-vectors.fixture.js";
import { parseAuthorization } from "./authorization-header.js";

const CRED = `${SIGV4_INPUT.accessKeyId}/${SIGV4_INPUT.scope}`;
const SIG = SIGV4_VECTORS[0]!.signature;
const header = (credential = CRED, signedHeaders = "host;x-amz-date", signature: string = SIG) =>
  `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signedHeaders}, Signature=${signature}`;

describe("parseAuthorization", () => {
  it.each(SIGV4_VECTORS)("parses SigV4 vector $name", ({ authorization, signedHeaders, signature }) => {
    expect(parseAuthorization(authorization)).toEqual({
      ok: true,
      value: {
        accessKeyId: SIGV4_INPUT.accessKeyId,
        scopeDate: SIGV4_INPUT.scopeDate,
        region: SIGV4_INPUT.region,
        service: SIGV4_INPUT.service,
        terminator: "aws4_request",
        signedHeaders,
        signature,
      },
    });
  });

  it.each([
    { name: "no space after the commas", text: `AWS4-HMAC-SHA256 Credential=${CRED},SignedHeaders=host;x-amz-date,Signature=${SIG}` },
    { name: "surrounding whitespace", text: `  ${header()}  ` },
    { name: "extra headers signed", text: header(CRED, "content-length;content-type;host;x-amz-date") },
  ])("accepts $name", ({ text }) => expect(parseAuthorization(text).ok).toBe(true));

  it.each([
    { name: "a missing header", text: undefined },
    { name: "an empty header", text: "" },
    { name: "another scheme", text: `Basic ${Buffer.from("a:b").toString("base64")}` },
    { name: "another algorithm", text: header().replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512") },
    { name: "a comma after the algorithm", text: header().replace("AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256, ") },
    { name: "no Credential", text: `AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=${SIG}` },
    { name: "no SignedHeaders", text: `AWS4-HMAC-SHA256 Credential=${CRED}, Signature=${SIG}` },
    { name: "no Signature", text: `AWS4-HMAC-SHA256 Credential=${CRED}, SignedHeaders=host;x-amz-date` },
    { name: "parts in another order", text: `AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Credential=${CRED}, Signature=${SIG}` },
    { name: "a trailing part", text: `${header()}, Extra=1` },
    { name: "an empty Signature", text: header(CRED, "host;x-amz-date", "") },
    { name: "an uppercase signature", text: header(CRED, "host;x-amz-date", SIG.toUpperCase()) },
    { name: "a 63-digit signature", text: header(CRED, "host;x-amz-date", SIG.slice(1)) },
    { name: "a 65-digit signature", text: header(CRED, "host;x-amz-date", `${SIG}0`) },
    { name: "a non-hex signature", text: header(CRED, "host;x-amz-date", `${SIG.slice(1)}g`) },
    { name: "unsorted SignedHeaders", text: header(CRED, "x-amz-date;host") },
    { name: "uppercase SignedHeaders", text: header(CRED, "Host;X-Amz-Date") },
    { name: "repeated SignedHeaders", text: header(CRED, "host;host;x-amz-date") },
    { name: "an empty SignedHeaders entry", text: header(CRED, "host;;x-amz-date") },
    { name: "a trailing ; in SignedHeaders", text: header(CRED, "host;x-amz-date;") },
    { name: "a 4-part credential", text: header(`${SIGV4_INPUT.accessKeyId}/20240515/us-east-1/aws4_request`) },
    { name: "a 6-part credential", text: header(`${SIGV4_INPUT.accessKeyId}/20240515/us-east-1/kms-xks-proxy/aws4_request/x`) },
    { name: "a scope date with dashes", text: header(`${SIGV4_INPUT.accessKeyId}/2024-05-15/us-east-1/kms-xks-proxy/aws4_request`) },
    { name: "a scope date that is a full x-amz-date", text: header(`${SIGV4_INPUT.accessKeyId}/20240515T120000Z/us-east-1/kms-xks-proxy/aws4_request`) },
  ])("rejects $name", ({ text }) => {
    const r = parseAuthorization(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/\S/);
  });
});
