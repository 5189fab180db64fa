/**
 * SigV4 at the mock proxy, through real HTTPS requests: credentials and rotation, secret lengths, clock skew,
 * what must be signed, scope checks, and the real `curl --aws-sigv4` the AWS test client uses.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { defaultConfigInput, PUBLIC_TEST_CREDENTIAL } from "../src/proxy/config-schema.js";
import { formatAmzDate } from "../src/xks/sigv4/amz-date.js";
import { canonicalRequest, credentialScope, signatureHex, signingKey, stringToSign } from "../src/xks/sigv4/canonical-request.js";
import { signXksRequest, type XksCredential } from "../src/xks/sigv4/sign.js";
import type { XksResponse } from "../src/client/index.js";
import { hasCommand } from "./helpers/cli-process.js";
import { pem, pkiPath, startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";

const secretOf = (length: 43 | 64) => randomBytes(48).toString("base64").replace(/[^A-Za-z0-9]/g, "A").slice(0, length);
/** The secret with its last character changed (a fixed replacement would be no change when the secret ends in it). */
const otherLastChar = (secret: string) => `${secret.slice(0, -1)}${secret.endsWith("x") ? "y" : "x"}`;
const CRED_43: XksCredential = { accessKeyId: "ROTATIONOLDKEYID234567", secretAccessKey: secretOf(43) };
const CRED_64: XksCredential = { accessKeyId: "ROTATIONNEWKEYID234567ABCDEFGH", secretAccessKey: secretOf(64) };
const CRED_EU: XksCredential = { accessKeyId: "EUROPEKEYSTOREKEYID234567", secretAccessKey: secretOf(64) };

const config = testConfig({
  keystores: [
    ...defaultConfigInput().keystores,
    { name: "rotation", pathPrefix: "/rotation", credentials: [CRED_43, CRED_64], keys: [{ id: "k1" }] },
    { name: "eu", pathPrefix: "/eu", credentials: [CRED_EU], regions: ["eu-west-1"] },
  ],
});

function expect401(res: XksResponse | { status: number; json: unknown }) {
  expect(res.status).toBe(401);
  expect(res.json).toMatchObject({ errorName: "AuthenticationFailedException" });
}

let proxy: TestProxy;
const trust = new Agent({ connect: { ca: pem("caCert") } });
beforeAll(async () => {
  proxy = await startTestProxy(config);
});
afterAll(async () => {
  await proxy?.stop();
  await trust.close();
});

/** Waits (bounded) for the proxy's log line of a refused request with this reason. */
async function authFailureLogged(reason: RegExp) {
  await vi.waitFor(() => expect(proxy.logs.records().some((r) => r.status === 401 && reason.test(String(r.authFailure)))).toBe(true), {
    timeout: 2000,
  });
}

describe("credentials", () => {
  it("accepts both credentials of a keystore (rotation), a 43- and a 64-char secret", async () => {
    expect(CRED_43.secretAccessKey).toHaveLength(43);
    expect(CRED_64.secretAccessKey).toHaveLength(64);
    for (const credential of [CRED_43, CRED_64]) {
      const c = proxy.client({ keystore: "rotation", credential });
      expect((await c.health()).status).toBe(200);
      const enc = await c.encrypt("k1", { plaintext: "SGVsbG8gV29ybGQh" });
      expect(enc.status).toBe(200);
      const { ciphertext, initializationVector, authenticationTag } = enc.json as Record<string, string>;
      const dec = await c.decrypt("k1", { ciphertext: ciphertext!, initializationVector: initializationVector!, authenticationTag: authenticationTag! });
      expect(dec.json).toEqual({ plaintext: "SGVsbG8gV29ybGQh" });
    }
    const ids = proxy.logs.records().filter((r) => r.keystore === "rotation" && r.status === 200).map((r) => r.accessKeyId);
    expect(new Set(ids)).toEqual(new Set([CRED_43.accessKeyId, CRED_64.accessKeyId]));
  });

  it("rejects an access key id the keystore does not know", async () => {
    const c = proxy.client({ keystore: "rotation" });
    expect401(await c.health({}, { credential: { accessKeyId: "UNKNOWNACCESSKEYID234567", secretAccessKey: CRED_43.secretAccessKey } }));
    await authFailureLogged(/unknown access key id/);
  });

  it("rejects another keystore's credential, although it is valid there", async () => {
    expect401(await proxy.client({ keystore: "rotation", credential: CRED_EU, region: "eu-west-1" }).health());
    expect((await proxy.client({ keystore: "eu", credential: CRED_EU, region: "eu-west-1" }).health()).status).toBe(200);
  });

  it("rejects a wrong secret, even one that belongs to the keystore's other credential", async () => {
    const c = proxy.client({ keystore: "rotation" });
    expect401(await c.health({}, { credential: { accessKeyId: CRED_43.accessKeyId, secretAccessKey: CRED_64.secretAccessKey } }));
    expect401(await c.health({}, { credential: { accessKeyId: CRED_43.accessKeyId, secretAccessKey: otherLastChar(CRED_43.secretAccessKey) } }));
    await authFailureLogged(/signature does not match/);
  });

  it("rejects a request without an Authorization header", async () => {
    expect401(await proxy.client().health({}, { unsigned: true }));
    await authFailureLogged(/missing Authorization/);
  });

  it("accepts a signature that also covers content-type, as curl makes", async () => {
    expect((await proxy.client().health({}, { signContentType: true })).status).toBe(200);
  });
});

describe("scope", () => {
  it('rejects the service "kms" in the credential scope', async () => {
    expect401(await proxy.client().health({}, { service: "kms" }));
    await authFailureLogged(/service must be kms-xks-proxy/);
  });

  it("a keystore limited to eu-west-1 accepts eu-west-1 signatures and rejects us-east-1", async () => {
    const c = proxy.client({ keystore: "eu", credential: CRED_EU });
    expect((await c.health({}, { region: "eu-west-1" })).status).toBe(200);
    expect401(await c.health({}, { region: "us-east-1" }));
    await authFailureLogged(/region is not allowed/);
  });

  it("a keystore without a region list accepts any region", async () => {
    expect((await proxy.client({ keystore: "rotation", region: "ap-southeast-2" }).health()).status).toBe(200);
  });
});

describe("what must be signed", () => {
  it("rejects a request whose body changed after signing", async () => {
    const c = proxy.client();
    const body = JSON.stringify({ requestMetadata: { kmsRequestId: "r-1", kmsOperation: "KmsHealthCheck" } });
    const same = await c.send("/health", body, { bodyAfterSigning: body });
    expect(same.status).toBe(200);
    expect401(await c.send("/health", body, { bodyAfterSigning: body.replace("r-1", "r-2") }));
    await authFailureLogged(/signature does not match/);
  });

  /** Signs by hand over exactly `signedHeaders` (a correct signature over what it covers) and sends with undici. */
  async function sendSignedOver(signedHeaders: ("host" | "x-amz-date")[]) {
    const url = new URL(`${proxy.baseUrl()}/health`);
    const body = JSON.stringify({ requestMetadata: { kmsRequestId: `over-${signedHeaders.join("-")}`, kmsOperation: "KmsHealthCheck" } });
    const amzDate = formatAmzDate(new Date());
    const scopeDate = amzDate.slice(0, 8);
    const scope = credentialScope(scopeDate, "us-east-1", "kms-xks-proxy");
    const headers = { host: url.host, "x-amz-date": amzDate };
    const canonical = canonicalRequest({ method: "POST", path: url.pathname, headers, signedHeaders, body });
    const signature = signatureHex(signingKey(PUBLIC_TEST_CREDENTIAL.secretAccessKey, scopeDate, "us-east-1", "kms-xks-proxy"), stringToSign(amzDate, scope, canonical));
    const authorization = `AWS4-HMAC-SHA256 Credential=${PUBLIC_TEST_CREDENTIAL.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(";")}, Signature=${signature}`;
    const res = await request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-amz-date": amzDate, authorization },
      body,
      dispatcher: trust,
    });
    return { status: res.statusCode, json: await res.body.json() };
  }

  it("rejects a correct signature that does not cover host", async () => {
    // Control: the same hand-made signature over host;x-amz-date is accepted.
    expect((await sendSignedOver(["host", "x-amz-date"])).status).toBe(200);
    expect401(await sendSignedOver(["x-amz-date"]));
    await authFailureLogged(/SignedHeaders must include host/);
  });

  it("rejects X-Amz-Date sent twice, even with the same value", async () => {
    const url = new URL(`${proxy.baseUrl()}/health`);
    const body = JSON.stringify({ requestMetadata: { kmsRequestId: "two-dates", kmsOperation: "KmsHealthCheck" } });
    const signed = signXksRequest({ host: url.host, path: url.pathname, body, region: "us-east-1", credential: PUBLIC_TEST_CREDENTIAL, date: new Date() });
    const send = (headers: string[]) => request(url, { method: "POST", headers, body, dispatcher: trust });
    const base = ["content-type", "application/json", "authorization", signed.authorization, "x-amz-date", signed["x-amz-date"]];
    // The same request with the header once is accepted, so the repetition alone is what fails.
    const once = await send(base);
    expect(once.statusCode).toBe(200);
    await once.body.dump();
    const twice = await send([...base, "x-amz-date", signed["x-amz-date"]]);
    expect401({ status: twice.statusCode, json: await twice.body.json() });
    await authFailureLogged(/X-Amz-Date must appear exactly once/);
  });
});

describe("clock skew (proxy clock fixed)", () => {
  const FIXED = new Date("2024-05-15T12:00:00Z");
  let fixedProxy: TestProxy;
  beforeAll(async () => {
    fixedProxy = await startTestProxy(testConfig(), { now: () => FIXED });
  });
  afterAll(async () => {
    await fixedProxy?.stop();
  });
  const at = (offsetS: number) => new Date(FIXED.getTime() + offsetS * 1000);

  it.each([
    { name: "4m59s in the past", offsetS: -299, status: 200 },
    { name: "4m59s in the future", offsetS: 299, status: 200 },
    { name: "exactly the proxy's time", offsetS: 0, status: 200 },
    { name: "5m01s in the past", offsetS: -301, status: 401 },
    { name: "5m01s in the future", offsetS: 301, status: 401 },
  ])("a signature $name → $status", async ({ offsetS, status }) => {
    const res = await fixedProxy.client().health({}, { date: at(offsetS) });
    expect(res.status).toBe(status);
    if (status === 401) expect401(res);
  });

  it("a signature made at the real time is stale for a proxy whose clock is in 2024", async () => {
    expect401(await fixedProxy.client().health());
  });
});

const CURL = hasCommand("curl");
const run = promisify(execFile);

describe.skipIf(!CURL)("real curl --aws-sigv4, as the AWS test client signs (skipped only when curl is not on PATH)", () => {
  async function curl(path: string, body: object, user = `${PUBLIC_TEST_CREDENTIAL.accessKeyId}:${PUBLIC_TEST_CREDENTIAL.secretAccessKey}`) {
    const { stdout } = await run(
      "curl",
      [
        "--silent",
        "--show-error",
        "--max-time",
        "5",
        "--aws-sigv4",
        "aws:amz:us-east-1:kms-xks-proxy",
        "--user",
        user,
        "--cacert",
        pkiPath("caCert"),
        "-H",
        "Content-Type: application/json",
        "--data-binary",
        JSON.stringify(body),
        "--write-out",
        "\n%{http_code}",
        `${proxy.baseUrl()}${path}`,
      ],
      { timeout: 10_000 },
    );
    const lines = stdout.split("\n");
    const status = Number(lines.pop());
    const text = lines.join("\n");
    return { status, text, json: JSON.parse(text) as Record<string, unknown> };
  }
  const meta = (kmsOperation: string) => ({
    kmsRequestId: crypto.randomUUID(),
    kmsOperation,
    awsPrincipalArn: "arn:aws:iam::123456789012:user/Alice",
    kmsKeyArn: "arn:aws:kms:us-east-2:123456789012:/key/1234abcd-12ab-34cd-56ef-1234567890ab",
  });

  it("health, metadata, encrypt, and decrypt of curl's own ciphertext all answer 200", async () => {
    const health = await curl("/health", { requestMetadata: { kmsRequestId: crypto.randomUUID(), kmsOperation: "KmsHealthCheck" } });
    expect(health.status).toBe(200);
    expect(health.text).toContain('"healthStatus":');
    expect(health.text).not.toContain("\n"); // the test client reads the last line: compact JSON only

    const metadata = await curl("/keys/foo/metadata", { requestMetadata: meta("DescribeKey") });
    expect(metadata.status).toBe(200);
    expect(metadata.json).toMatchObject({ keySpec: "AES_256", keyStatus: "ENABLED" });

    const aad = "cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n";
    const encrypt = await curl("/keys/foo/encrypt", { requestMetadata: meta("Encrypt"), plaintext: "cGxhaW50ZXh0Cg==", encryptionAlgorithm: "AES_GCM", additionalAuthenticatedData: aad });
    expect(encrypt.status).toBe(200);
    const { ciphertext, initializationVector, authenticationTag, ciphertextMetadata } = encrypt.json;
    expect(ciphertext).not.toBe("cGxhaW50ZXh0Cg==");

    const decrypt = await curl("/keys/foo/decrypt", {
      requestMetadata: meta("Decrypt"),
      encryptionAlgorithm: "AES_GCM",
      additionalAuthenticatedData: aad,
      ciphertext,
      initializationVector,
      authenticationTag,
      ...(ciphertextMetadata ? { ciphertextMetadata } : {}),
    });
    expect(decrypt.status).toBe(200);
    expect(decrypt.json).toEqual({ plaintext: "cGxhaW50ZXh0Cg==" });
  });

  it("curl with a wrong secret gets 401 AuthenticationFailedException", async () => {
    const res = await curl(
      "/health",
      { requestMetadata: { kmsRequestId: crypto.randomUUID(), kmsOperation: "KmsHealthCheck" } },
      `${PUBLIC_TEST_CREDENTIAL.accessKeyId}:Invalid${PUBLIC_TEST_CREDENTIAL.secretAccessKey}`,
    );
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ errorName: "AuthenticationFailedException" });
  });
});
