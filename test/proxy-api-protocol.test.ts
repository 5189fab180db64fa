/**
 * The mock's XKS protocol surface over real HTTPS: methods (405), /ping, what requestMetadata may carry, long ARNs
 * and key ids, several logical key stores side by side, and GetHealthStatus with its per-keystore details and faults.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { randomXksCredential, type XksClient } from "../src/client/index.js";
import { DEFAULT_PATH_PREFIX, PUBLIC_TEST_CREDENTIAL, defaultKeys } from "../src/proxy/config-schema.js";
import { XKS_OPERATIONS } from "../src/xks/constants.js";
import { HealthResponse, MetadataResponse } from "../src/xks/schemas.js";
import { b64, decryptFields, encryptOk, expectJsonContentType, expectOk, expectXksError, useApiProxy } from "./helpers/proxy-api-helpers.js";
import { testConfig } from "./helpers/proxy-fixture.js";
import { addFault, clearFaults } from "./helpers/admin-faults.js";

const LONG_KEY_ID = `ext-key_v1.${"0123456789abcdefABCDEF-_.".repeat(6)}`.slice(0, 120).padEnd(128, "z");
const A = { name: "tenant-a", pathPrefix: "/tenants/a", credentials: [randomXksCredential(), randomXksCredential()] };
const B = { name: "root", pathPrefix: "", credentials: [randomXksCredential()] };
const A_HEALTH = {
  xksProxyFleetSize: 3,
  xksProxyVendor: "Acme Corp",
  xksProxyModel: "Acme XKS Proxy 1.0",
  ekmVendor: "Thales Group",
  ekmFleetDetails: [
    { id: "hsm-id-1", model: "Luna 5.0", healthStatus: "DEGRADED" as const },
    { id: "hsm-id-2", model: "Luna 5.1", healthStatus: "ACTIVE" as const },
    { id: "hsm-id-3", model: "Luna 5.1", healthStatus: "ACTIVE" as const },
  ],
};
const B_HEALTH = { xksProxyFleetSize: 1, xksProxyVendor: "Root Vendor", xksProxyModel: "root-model 2", ekmVendor: "Root EKM", ekmFleetDetails: [{ id: "only", model: "soft", healthStatus: "ACTIVE" as const }] };
const PT = b64("hello world");

let c: XksClient;
let a: XksClient;
let a2: XksClient;
let b: XksClient;

const api = useApiProxy(
  testConfig({
    keystores: [
      { name: "default", pathPrefix: DEFAULT_PATH_PREFIX, credentials: [{ ...PUBLIC_TEST_CREDENTIAL }], keys: [...defaultKeys(), { id: LONG_KEY_ID }] },
      { ...A, keySeed: "tenant A seed, 32 chars or so....", health: A_HEALTH, keys: [{ id: "a-key" }, { id: "shared" }] },
      { ...B, keySeed: "root keystore seed, different!!!", health: B_HEALTH, keys: [{ id: "b-key" }, { id: "shared" }] },
    ],
  }),
);
beforeAll(() => {
  c = api.proxy.client({ keystore: "default" });
  a = api.proxy.client({ keystore: A.name });
  a2 = api.proxy.client({ keystore: A.name, credential: A.credentials[1]! });
  b = api.proxy.client({ keystore: B.name });
});

describe("HTTP methods", () => {
  const cases = XKS_OPERATIONS.flatMap((op) => ["GET", "PUT", "DELETE"].map((method) => [method, op] as const));
  it.each(cases)("%s on the %s path → 405 with Allow: POST", async (method, op) => {
    const res = await c.send(c.pathOf(op, "foo"), { requestMetadata: c.metadataFor(op) }, { method });
    expect(res.status, res.text).toBe(405);
    expect(res.headers.allow).toBe("POST");
  });
  it("GET /ping → 200 without authentication", async () => {
    const origin = api.paths.at("", { ...PUBLIC_TEST_CREDENTIAL });
    const res = await origin.send("/ping", "", { method: "GET", unsigned: true });
    expectOk(res);
  });
});

describe("requestMetadata", () => {
  it("accepts unknown kmsOperation values (spec: must not fail validation)", async () => {
    expect(MetadataResponse.safeParse(expectOk(await c.metadata("foo", { kmsOperation: "SomeFutureKmsOperation" }))).success).toBe(true);
    const s = await encryptOk(c, "foo", { plaintext: PT });
    expect(s.ciphertext).toBeDefined();
    expectOk(await c.encrypt("foo", { plaintext: PT }, { kmsOperation: "GenerateDataKeyPairWithoutPlaintext2030" }));
    expect(expectOk(await c.decrypt("foo", decryptFields(s), { kmsOperation: "ReEncryptFrom" }))).toEqual({ plaintext: PT });
    expectOk(await c.health({ kmsOperation: "UpdateCustomKeyStore" }));
  });
  it("accepts unknown requestMetadata fields", async () => {
    const extra = { futureField: "x", awsSourceVpc: "vpc-12345678", kmsViaService: "ebs", nested: { deep: [1, 2, 3] }, flag: true };
    expectOk(await c.metadata("foo", extra));
    expectOk(await c.encrypt("foo", { plaintext: PT }, extra));
    expectOk(await c.health(extra));
  });
  it("accepts application/json with a charset and application/*+json", async () => {
    expectOk(await c.health({}, { contentType: "application/json; charset=utf-8" }));
    expectOk(await c.metadata("foo", {}, { contentType: "application/x-amz-json-1.1+json" }));
  });
  it("accepts a 2048-char awsPrincipalArn and kmsKeyArn", async () => {
    const principal = "arn:aws:iam::123456789012:role/".padEnd(2048, "p");
    const keyArn = "arn:aws:kms:us-east-1:123456789012:key/".padEnd(2048, "k");
    expect(principal).toHaveLength(2048);
    const md = { awsPrincipalArn: principal, kmsKeyArn: keyArn };
    expectOk(await c.metadata("foo", md));
    const s = await c.encrypt("foo", { plaintext: PT }, md);
    expect(expectOk(await c.decrypt("foo", decryptFields(expectOk(s)), md))).toEqual({ plaintext: PT });
  });
  it("serves a 128-char externalKeyId", async () => {
    expect(LONG_KEY_ID).toHaveLength(128);
    expect(expectOk(await c.metadata(LONG_KEY_ID))).toMatchObject({ keyStatus: "ENABLED" });
    const s = await encryptOk(c, LONG_KEY_ID, { plaintext: PT });
    expect(expectOk(await c.decrypt(LONG_KEY_ID, decryptFields(s)))).toEqual({ plaintext: PT });
    expectXksError(await c.metadata(LONG_KEY_ID.slice(0, 127)), "KeyNotFoundException");
  });
});

describe("several logical key stores", () => {
  it("the empty prefix serves /kms/xks/v1", () => {
    expect(new URL(api.proxy.baseUrl(B.name)).pathname).toBe("/kms/xks/v1");
    expect(new URL(api.proxy.baseUrl(A.name)).pathname).toBe("/tenants/a/kms/xks/v1");
  });
  it("each key store answers its own credentials, both of A's among them", async () => {
    expectOk(await a.health());
    expectOk(await a2.health());
    expectOk(await b.health());
    expectOk(await a2.metadata("a-key"));
  });
  it("a credential of one key store is refused on another's path", async () => {
    expectXksError(await b.health({}, { credential: A.credentials[0]! }), "AuthenticationFailedException");
    expectXksError(await b.metadata("b-key", {}, { credential: A.credentials[1]! }), "AuthenticationFailedException");
    expectXksError(await a.health({}, { credential: B.credentials[0]! }), "AuthenticationFailedException");
    expectXksError(await c.health({}, { credential: A.credentials[0]! }), "AuthenticationFailedException");
  });
  it("a key of one key store is KeyNotFound on another", async () => {
    expectXksError(await b.metadata("a-key"), "KeyNotFoundException");
    expectXksError(await a.encrypt("b-key", { plaintext: PT }), "KeyNotFoundException");
    expectXksError(await b.metadata("foo"), "KeyNotFoundException");
  });
  it("same key id, different key stores: different keys", async () => {
    const s = await encryptOk(a, "shared", { plaintext: PT });
    expect(expectOk(await a.decrypt("shared", decryptFields(s)))).toEqual({ plaintext: PT });
    expectXksError(await b.decrypt("shared", decryptFields(s)), "InvalidCiphertextException");
  });
  it("a prefix no key store has is InvalidUriPath, even signed with a valid credential of another store", async () => {
    const stray = api.paths.at("/tenants/b/kms/xks/v1", A.credentials[0]!);
    expectXksError(await stray.health(), "InvalidUriPathException");
  });
});

describe("GetHealthStatus", () => {
  it("answers the full schema with each key store's configured details", async () => {
    const ha = expectOk(await a.health());
    expect(HealthResponse.safeParse(ha).success, JSON.stringify(ha)).toBe(true);
    expect(ha).toEqual(A_HEALTH);
    const hb = expectOk(await b.health());
    expect(HealthResponse.safeParse(hb).success).toBe(true);
    expect(hb).toEqual(B_HEALTH);
    const hd = expectOk(await c.health());
    expect(HealthResponse.safeParse(hd).success, JSON.stringify(hd)).toBe(true);
  });
  it("a health-status UNAVAILABLE fault makes every ekmFleetDetails entry UNAVAILABLE, on that key store only", async () => {
    await addFault(api.proxy, A.name, { type: "health-status", status: "UNAVAILABLE", operation: "health" });
    const res = await a.health();
    expectJsonContentType(res);
    const h = expectOk<typeof A_HEALTH>(res);
    expect(HealthResponse.safeParse(h).success).toBe(true);
    expect(h.ekmFleetDetails).toEqual(A_HEALTH.ekmFleetDetails.map((d) => ({ ...d, healthStatus: "UNAVAILABLE" })));
    expect({ ...h, ekmFleetDetails: [] }).toEqual({ ...A_HEALTH, ekmFleetDetails: [] });
    expect(expectOk(await b.health())).toEqual(B_HEALTH);
    await clearFaults(api.proxy);
    expect(expectOk(await a.health())).toEqual(A_HEALTH);
  });
  it("a health-status DEGRADED fault", async () => {
    await addFault(api.proxy, B.name, { type: "health-status", status: "DEGRADED" });
    const h = expectOk<typeof B_HEALTH>(await b.health());
    expect(h.ekmFleetDetails.map((d) => d.healthStatus)).toEqual(["DEGRADED"]);
  });
});
