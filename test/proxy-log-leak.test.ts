/**
 * The log scan (spec "Logging": never plaintext; issue: nor AAD, key material, secrets or the Authorization
 * header). A varied workload over mTLS, including failures, a wrong secret, invalid bodies carrying the
 * plaintext, injected faults and a refused client certificate; then every captured log line is searched for
 * each of those values, raw, Base64 and hex, and each request must have written exactly one JSON line.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { defaultConfigInput, DEFAULT_PATH_PREFIX, PUBLIC_TEST_CREDENTIAL } from "../src/proxy/config-schema.js";
import { deriveKeyMaterial } from "../src/proxy/key-material.js";
import { generateLeaf } from "../src/pki/dev-pki.js";
import { XKS_API_SUFFIX } from "../src/xks/constants.js";
import type { XksCredential } from "../src/xks/sigv4/sign.js";
import { kmsHeaders, rawAgent, sendRaw, type RawResponse } from "./helpers/raw-xks-request.js";
import { addFault } from "./helpers/admin-faults.js";
import { pem, startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";

const PLAINTEXT = Buffer.from(`plaintext-marker-${randomUUID()}`);
const AAD = Buffer.from(`aad-marker-${randomUUID()}`);
const CRED_A: XksCredential = { accessKeyId: "LEAKSCANFIRSTKEYID234567", secretAccessKey: randomBytes(33).toString("base64") };
const CRED_B: XksCredential = { accessKeyId: "LEAKSCANSECONDKEYID23456", secretAccessKey: randomBytes(48).toString("base64") };
const WRONG: XksCredential = { accessKeyId: CRED_A.accessKeyId, secretAccessKey: randomBytes(33).toString("base64") };
const SEED = `leak scan seed ${randomUUID()}`;
const GIVEN_MATERIAL = randomBytes(32);
const CIPHERTEXT_METADATA = Buffer.from("key_version=7");

const KS = "leakscan";
const BASE = `/leak/scan${XKS_API_SUFFIX}`;
const DEFAULT_BASE = `${DEFAULT_PATH_PREFIX}${XKS_API_SUFFIX}`;

const config = testConfig({
  tls: { mtls: true },
  keystores: [
    {
      name: KS,
      pathPrefix: "/leak/scan",
      credentials: [CRED_A, CRED_B],
      keySeed: SEED,
      ciphertextMetadata: CIPHERTEXT_METADATA.toString("base64"),
      keys: [{ id: "derived" }, { id: "given", material: GIVEN_MATERIAL.toString("base64") }, { id: "encrypt_only", usage: ["ENCRYPT"] }],
    },
    ...defaultConfigInput().keystores,
  ],
});

/** What one request's log line must say; undefined fields must be absent. */
interface ExpectedLine {
  kmsRequestId: string | undefined;
  kmsOperation: string | undefined;
  keystore: string | undefined;
  keyId: string | undefined;
  status: number;
  errorName: string | undefined;
}

let proxy: TestProxy;
let agent: Agent;
const authorizations: string[] = [];
const expected: ExpectedLine[] = [];
let host: string;

const b64 = (b: Buffer) => b.toString("base64");

function metadata(kmsOperation: string, extra: Record<string, unknown> = {}) {
  return { kmsRequestId: randomUUID(), kmsOperation, awsPrincipalArn: "arn:aws:iam::123456789012:user/leak-scan", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/leak", ...extra };
}

const ids = (md: { kmsRequestId: string; kmsOperation: string }) => ({ kmsRequestId: md.kmsRequestId, kmsOperation: md.kmsOperation });

/** Signs `body` (as KMS does) and sends it over the mTLS pool, recording the Authorization header and the expected log line. */
async function send(
  path: string,
  body: string,
  line: Omit<ExpectedLine, "kmsRequestId" | "kmsOperation"> & Partial<Pick<ExpectedLine, "kmsRequestId" | "kmsOperation">>,
  credential: XksCredential = CRED_A,
): Promise<RawResponse> {
  const headers = kmsHeaders({ host, path, body, credential });
  authorizations.push(headers.find(([n]) => n === "authorization")![1]);
  expected.push({ kmsRequestId: undefined, kmsOperation: undefined, ...line });
  const res = await sendRaw(agent, proxy.url, { path, body, headers });
  expect(res.status, res.text).toBe(line.status);
  if (line.errorName) expect(res.json).toMatchObject({ errorName: line.errorName });
  return res;
}


const requestLines = () => proxy.logs.records().filter((r) => r.msg === "request" || r.msg === "connection closed");

beforeAll(async () => {
  proxy = await startTestProxy(config);
  host = new URL(proxy.url).host;
  agent = rawAgent({ cert: pem("clientCert"), key: pem("clientKey") });

  // Health with both credentials of the keystore, and the public default one.
  for (const credential of [CRED_A, CRED_B]) {
    const md = metadata("KmsHealthCheck");
    await send(`${BASE}/health`, JSON.stringify({ requestMetadata: md }), { ...ids(md), keystore: KS, keyId: undefined, status: 200, errorName: undefined }, credential);
  }
  const dmd = metadata("KmsHealthCheck");
  await send(`${DEFAULT_BASE}/health`, JSON.stringify({ requestMetadata: dmd }), { ...ids(dmd), keystore: "default", keyId: undefined, status: 200, errorName: undefined }, PUBLIC_TEST_CREDENTIAL);

  const mmd = metadata("CreateKey");
  await send(`${BASE}/keys/derived/metadata`, JSON.stringify({ requestMetadata: mmd }), { ...ids(mmd), keystore: KS, keyId: "derived", status: 200, errorName: undefined });

  // Encrypt and decrypt the marker under a derived and a configured key, AAD and CDIV included.
  for (const keyId of ["derived", "given"]) {
    const emd = metadata("Encrypt");
    const enc = await send(
      `${BASE}/keys/${keyId}/encrypt`,
      JSON.stringify({ requestMetadata: emd, plaintext: b64(PLAINTEXT), additionalAuthenticatedData: b64(AAD), encryptionAlgorithm: "AES_GCM", ciphertextDataIntegrityValueAlgorithm: "SHA_256" }),
      { ...ids(emd), keystore: KS, keyId, status: 200, errorName: undefined },
    );
    const sealed = enc.json as Record<string, string>;
    const dmd2 = metadata("Decrypt");
    const dec = await send(
      `${BASE}/keys/${keyId}/decrypt`,
      JSON.stringify({
        requestMetadata: dmd2,
        ciphertext: sealed.ciphertext,
        initializationVector: sealed.initializationVector,
        authenticationTag: sealed.authenticationTag,
        ciphertextMetadata: sealed.ciphertextMetadata,
        additionalAuthenticatedData: b64(AAD),
        encryptionAlgorithm: "AES_GCM",
      }),
      { ...ids(dmd2), keystore: KS, keyId, status: 200, errorName: undefined },
    );
    expect(dec.json).toEqual({ plaintext: b64(PLAINTEXT) });
    // The same ciphertext with other AAD.
    const bad = metadata("Decrypt");
    await send(
      `${BASE}/keys/${keyId}/decrypt`,
      JSON.stringify({ requestMetadata: bad, ...sealed, additionalAuthenticatedData: b64(Buffer.from("other aad")), encryptionAlgorithm: "AES_GCM" }),
      { ...ids(bad), keystore: KS, keyId, status: 400, errorName: "InvalidCiphertextException" },
    );
  }

  // Usage failure, unknown key.
  const umd = metadata("Encrypt");
  await send(
    `${BASE}/keys/encrypt_only/encrypt`,
    JSON.stringify({ requestMetadata: umd, plaintext: b64(PLAINTEXT), additionalAuthenticatedData: b64(AAD), encryptionAlgorithm: "AES_GCM", ciphertextDataIntegrityValueAlgorithm: "SHA_256" }),
    { ...ids(umd), keystore: KS, keyId: "encrypt_only", status: 400, errorName: "InvalidKeyUsageException" },
  );
  const nmd = metadata("Encrypt");
  await send(
    `${BASE}/keys/no_such_key/encrypt`,
    JSON.stringify({ requestMetadata: nmd, plaintext: b64(PLAINTEXT), encryptionAlgorithm: "AES_GCM" }),
    { ...ids(nmd), keystore: KS, keyId: "no_such_key", status: 404, errorName: "KeyNotFoundException" },
  );

  // A wrong secret: refused before the body is read, so no ids are logged.
  await send(
    `${BASE}/keys/derived/encrypt`,
    JSON.stringify({ requestMetadata: metadata("Encrypt"), plaintext: b64(PLAINTEXT), additionalAuthenticatedData: b64(AAD), encryptionAlgorithm: "AES_GCM" }),
    { keystore: KS, keyId: "derived", status: 401, errorName: "AuthenticationFailedException" },
    WRONG,
  );

  // Invalid bodies that carry the markers in the clear.
  const rawPt = metadata("Encrypt");
  await send(
    `${BASE}/keys/derived/encrypt`,
    JSON.stringify({ requestMetadata: rawPt, plaintext: PLAINTEXT.toString("utf8"), encryptionAlgorithm: "AES_GCM" }),
    { ...ids(rawPt), keystore: KS, keyId: "derived", status: 400, errorName: "ValidationException" },
  );
  const rawAad = metadata("Decrypt");
  await send(
    `${BASE}/keys/derived/decrypt`,
    JSON.stringify({ requestMetadata: rawAad, ciphertext: b64(PLAINTEXT), additionalAuthenticatedData: AAD.toString("utf8"), encryptionAlgorithm: "AES_GCM" }),
    { ...ids(rawAad), keystore: KS, keyId: "derived", status: 400, errorName: "ValidationException" },
  );
  await send(`${BASE}/keys/derived/encrypt`, `not json: ${PLAINTEXT.toString("utf8")} ${AAD.toString("utf8")}`, {
    keystore: KS,
    keyId: "derived",
    status: 400,
    errorName: "ValidationException",
  });

  // Injected faults: an error answer, and a closed connection.
  await addFault(proxy, KS, { type: "error", errorName: "InternalException", operation: "encrypt", times: 1 });
  const fmd = metadata("Encrypt");
  await send(
    `${BASE}/keys/derived/encrypt`,
    JSON.stringify({ requestMetadata: fmd, plaintext: b64(PLAINTEXT), additionalAuthenticatedData: b64(AAD), encryptionAlgorithm: "AES_GCM" }),
    { ...ids(fmd), keystore: KS, keyId: "derived", status: 500, errorName: "InternalException" },
  );
  await addFault(proxy, KS, { type: "close-connection", operation: "decrypt", times: 1 });
  const cmd = metadata("Decrypt");
  const closedBody = JSON.stringify({ requestMetadata: cmd, ciphertext: b64(PLAINTEXT), additionalAuthenticatedData: b64(AAD), encryptionAlgorithm: "AES_GCM" });
  await expect(send(`${BASE}/keys/derived/decrypt`, closedBody, { ...ids(cmd), keystore: KS, keyId: "derived", status: 0, errorName: undefined })).rejects.toThrow();

  // A client certificate the proxy refuses (dev CA, CN not allowed): no request line, an "mTLS refused" line.
  const beta = await generateLeaf({ cert: pem("caCert"), key: pem("caKey") }, { subject: "beta.cks.kms.us-east-1.amazonaws.com", clientAuth: true });
  const refusedAgent = rawAgent({ ...beta });
  try {
    const path = `${BASE}/keys/derived/encrypt`;
    const body = JSON.stringify({ requestMetadata: metadata("Encrypt"), plaintext: b64(PLAINTEXT), encryptionAlgorithm: "AES_GCM" });
    const headers = kmsHeaders({ host, path, body, credential: CRED_A });
    authorizations.push(headers.find(([n]) => n === "authorization")![1]);
    await expect(sendRaw(refusedAgent, proxy.url, { path, body, headers })).rejects.toThrow();
  } finally {
    await refusedAgent.close();
  }
  await vi.waitFor(() => expect(proxy.logs.records().some((r) => r.msg === "mTLS refused")).toBe(true), { timeout: 2000 });

  // A last plain request: once its line is there, every earlier request's line is too.
  const last = metadata("KmsHealthCheck");
  await send(`${BASE}/health`, JSON.stringify({ requestMetadata: last }), { ...ids(last), keystore: KS, keyId: undefined, status: 200, errorName: undefined });
  await vi.waitFor(() => expect(requestLines().some((r) => r.kmsRequestId === last.kmsRequestId)).toBe(true), { timeout: 2000 });
});

afterAll(async () => {
  await agent?.close();
  await proxy?.stop();
});

describe("the log scan", () => {
  it("captured the workload (the scan below is not vacuous)", () => {
    expect(expected.length).toBeGreaterThan(15);
    expect(proxy.logs.lines.length).toBeGreaterThanOrEqual(expected.length);
    expect(proxy.logs.text).toContain(CRED_A.accessKeyId);
    expect(proxy.logs.text).toContain(expected[0]!.kmsRequestId);
  });

  it("no line holds plaintext, AAD, secrets, the key seed, key material or an Authorization header, raw, Base64 or hex", () => {
    const text = proxy.logs.text;
    const material = [deriveKeyMaterial(SEED, "derived"), deriveKeyMaterial(SEED, "encrypt_only"), GIVEN_MATERIAL];
    const forbidden: Record<string, string[]> = {
      plaintext: [PLAINTEXT.toString("utf8"), b64(PLAINTEXT), PLAINTEXT.toString("hex")],
      aad: [AAD.toString("utf8"), b64(AAD), AAD.toString("hex")],
      secrets: [CRED_A, CRED_B, WRONG, PUBLIC_TEST_CREDENTIAL].map((c) => c.secretAccessKey),
      seed: [SEED],
      keyMaterial: material.flatMap((m) => [b64(m), m.toString("hex")]),
      authorization: authorizations.flatMap((a) => [a, /Signature=([0-9a-f]{64})/.exec(a)![1]!]),
      clientKey: pem("clientKey").split("\n").filter((l) => l.length >= 40),
    };
    expect(authorizations.length).toBe(expected.length + 1);
    for (const [what, values] of Object.entries(forbidden)) {
      for (const value of values) expect(text.includes(value), `${what} ${value.slice(0, 24)}... is in the log`).toBe(false);
    }
    expect(text).not.toMatch(/AWS4-HMAC-SHA256|PRIVATE KEY/);
  });

  it("every request wrote exactly one JSON line with its ids, keystore, key id, status, errorName when failed, and latency", () => {
    const lines = requestLines();
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, i) => {
      const want = expected[i]!;
      const where = `request ${i}: ${JSON.stringify(line)}`;
      expect({ kmsRequestId: line.kmsRequestId, kmsOperation: line.kmsOperation, keystore: line.keystore, keyId: line.keyId, status: line.status, errorName: line.errorName }, where).toEqual(want);
      expect(typeof line.latencyMs, where).toBe("number");
      expect(line.latencyMs as number, where).toBeGreaterThanOrEqual(0);
    });
  });

  it("logs the refused client certificate as one warning, without certificate material", () => {
    const refusals = proxy.logs.records().filter((r) => r.msg === "mTLS refused");
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ reason: expect.stringMatching(/subject CN is not allowed/) });
    expect(proxy.logs.text).not.toContain("-----BEGIN");
  });
});
