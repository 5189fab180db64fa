import { describe, expect, it } from "vitest";
import { SIGV4_INPUT, SIGV4_VECTORS } from "../spec-vectors.fixture.js";
import { parseAuthorization } from "./authorization-header.js";
import { type SignOptions, signXksRequest } from "./sign.js";
import { signXksHeaders } from "./sign-headers.js";

const [A, B] = SIGV4_VECTORS as [(typeof SIGV4_VECTORS)[number], (typeof SIGV4_VECTORS)[number]];

const options: SignOptions = {
  host: SIGV4_INPUT.host,
  path: SIGV4_INPUT.path,
  body: SIGV4_INPUT.body,
  region: SIGV4_INPUT.region,
  credential: { accessKeyId: SIGV4_INPUT.accessKeyId, secretAccessKey: SIGV4_INPUT.secret },
  date: SIGV4_INPUT.date,
};

describe("signXksRequest", () => {
  // Both signers: aws4's, and the package-free one the Artillery processor ships (sign-headers.ts).
  it.each([signXksRequest, signXksHeaders])("SigV4 vector A: %o yields exactly the KMS-style Authorization header", (sign) =>
    expect(sign(options)).toEqual({
      host: "xks.example.com",
      "x-amz-date": "20240515T120000Z",
      "content-type": "application/json",
      authorization: A.authorization,
    }));

  it("SigV4 vector B: signContentType yields the curl / TC signature", () => {
    const signed = signXksRequest({ ...options, signContentType: true });
    expect(signed.authorization).toBe(B.authorization);
    expect(signed.authorization).toContain(`Signature=${B.signature}`);
  });

  it("drops milliseconds from the date, as X-Amz-Date has none", () =>
    expect(signXksRequest({ ...options, date: new Date("2024-05-15T12:00:00.789Z") }).authorization).toBe(A.authorization));

  it("does not mutate the credential or leak the secret into the headers", () => {
    const credential = { ...options.credential };
    const signed = signXksRequest({ ...options, credential });
    expect(credential).toEqual(options.credential);
    expect(JSON.stringify(signed)).not.toContain(SIGV4_INPUT.secret);
  });

  it.each([
    { name: "another region", patch: { region: "eu-west-1" }, expect: { region: "eu-west-1" } },
    { name: "another service (to test rejection)", patch: { service: "kms" }, expect: { service: "kms" } },
    { name: "another day", patch: { date: new Date("2024-05-16T00:00:01Z") }, expect: { scopeDate: "20240516" } },
  ])("scopes the credential to $name", ({ patch, expect: fields }) => {
    const parsed = parseAuthorization(signXksRequest({ ...options, ...patch }).authorization);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value).toMatchObject({ accessKeyId: SIGV4_INPUT.accessKeyId, signedHeaders: ["host", "x-amz-date"], ...fields });
  });

  it("changes the signature when the body changes by one byte", () =>
    expect(signXksRequest({ ...options, body: SIGV4_INPUT.body.replace("Update", "Create") }).authorization).not.toBe(A.authorization));
});
