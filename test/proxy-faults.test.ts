/**
 * Fault injection through the admin API (plain HTTP on 127.0.0.1): every rule type of fault-rule.ts against
 * real signed requests, its scoping by operation, keystore and `times`, removal, rule validation, and faults
 * from the config file, which a reload replaces while faults added at runtime stay.
 */
import { randomBytes } from "node:crypto";
import { Agent, request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { XksClient, XksResponse } from "../src/client/index.js";
import { DEFAULT_KEY_SEED, defaultConfigInput, PUBLIC_TEST_CREDENTIAL, type ProxyConfig } from "../src/proxy/config-schema.js";
import type { ActiveFault } from "../src/proxy/fault-registry.js";
import type { FaultRuleInput } from "../src/proxy/fault-rule.js";
import { deriveKeyMaterial } from "../src/proxy/key-material.js";
import { XKS_ERRORS, type XksErrorName } from "../src/xks/errors.js";
import { HealthResponse } from "../src/xks/schemas.js";
import { adminAuth } from "./helpers/admin-faults.js";
import { startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";
import { parseJsonOrUndefined } from "./helpers/raw-xks-request.js";

const SECOND_CREDENTIALS = [
  { accessKeyId: "SECONDKEYSTOREKEYID23456", secretAccessKey: randomBytes(33).toString("base64") },
  { accessKeyId: "SECONDKEYSTORENEXTKEY234", secretAccessKey: randomBytes(48).toString("base64") },
];
const SECOND_SEED = `second keystore seed ${randomBytes(8).toString("hex")}`;
const GIVEN_MATERIAL = randomBytes(32);

const config = testConfig({
  keystores: [
    ...defaultConfigInput().keystores,
    {
      name: "second",
      pathPrefix: "/second",
      credentials: SECOND_CREDENTIALS,
      keySeed: SECOND_SEED,
      keys: [{ id: "k2" }, { id: "given", material: GIVEN_MATERIAL.toString("base64"), usage: ["ENCRYPT"] }],
    },
  ],
});

const adminAgent = new Agent();
let proxy: TestProxy;
let first: XksClient;
let second: XksClient;

beforeAll(async () => {
  proxy = await startTestProxy(config);
  first = proxy.client();
  second = proxy.client({ keystore: "second" });
});
afterEach(async () => {
  await admin(proxy, "DELETE", "/faults");
});
afterAll(async () => {
  await proxy?.stop();
  await adminAgent.close();
});

interface AdminResponse {
  status: number;
  text: string;
  json: unknown;
}

async function admin(p: TestProxy, method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<AdminResponse> {
  const res = await request(`${p.adminUrl}${path}`, {
    method,
    dispatcher: adminAgent,
    headers: { ...adminAuth(p), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, text, json: parseJsonOrUndefined(text) };
}

async function addFault(keystore: string, rule: FaultRuleInput): Promise<ActiveFault> {
  const res = await admin(proxy, "POST", `/faults/${keystore}`, rule);
  expect(res.status, res.text).toBe(201);
  return res.json as ActiveFault;
}

const listFaults = async (p = proxy) => (await admin(p, "GET", "/faults")).json as ActiveFault[];

function expectXksError(res: XksResponse, errorName: string, status: number) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  expect(res.json).toMatchObject({ errorName });
}

const encryptFoo = (c = first) => c.encrypt("foo", { plaintext: "SGVsbG8gV29ybGQh" });

describe("the admin API", () => {
  it("is plain HTTP bound to 127.0.0.1", () => {
    expect(proxy.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("GET /keystores lists names, base paths, access key ids and keys, never secrets, seeds or key material", async () => {
    const res = await admin(proxy, "GET", "/keystores");
    // Earlier tests may have used a credential: its time, or null (proxy-admin-credentials.test.ts tests the values).
    const timeOrNull = { asymmetricMatch: (v: unknown) => v === null || (typeof v === "string" && !Number.isNaN(Date.parse(v))) };
    const used = (ids: string[]) => ids.map((accessKeyId) => ({ accessKeyId, lastAuthenticatedAt: timeOrNull }));
    expect(res.status).toBe(200);
    expect(res.json).toEqual(
      expect.arrayContaining([
        {
          name: "default",
          basePath: "/example/uri/path/prefix/kms/xks/v1",
          accessKeyIds: [PUBLIC_TEST_CREDENTIAL.accessKeyId],
          credentials: used([PUBLIC_TEST_CREDENTIAL.accessKeyId]),
          regions: null,
          keys: expect.arrayContaining([
            { id: "foo", usage: ["ENCRYPT", "DECRYPT"], status: "ENABLED" },
            { id: "impotent_key", usage: [], status: "ENABLED" },
            { id: "disabled_key", usage: ["ENCRYPT", "DECRYPT"], status: "DISABLED" },
          ]),
        },
        {
          name: "second",
          basePath: "/second/kms/xks/v1",
          accessKeyIds: SECOND_CREDENTIALS.map((c) => c.accessKeyId),
          credentials: used(SECOND_CREDENTIALS.map((c) => c.accessKeyId)),
          regions: null,
          keys: [
            { id: "k2", usage: ["ENCRYPT", "DECRYPT"], status: "ENABLED" },
            { id: "given", usage: ["ENCRYPT"], status: "ENABLED" },
          ],
        },
      ]),
    );
    const forbidden = [
      PUBLIC_TEST_CREDENTIAL.secretAccessKey,
      ...SECOND_CREDENTIALS.map((c) => c.secretAccessKey),
      DEFAULT_KEY_SEED,
      SECOND_SEED,
      ...[GIVEN_MATERIAL, deriveKeyMaterial(DEFAULT_KEY_SEED, "foo"), deriveKeyMaterial(SECOND_SEED, "k2")].flatMap((m) => [m.toString("base64"), m.toString("hex")]),
    ];
    for (const secret of forbidden) expect(res.text).not.toContain(secret);
  });

  it("POST /faults/{keystore} answers 201 with the rule, its id and source, and GET /faults lists it", async () => {
    const fault = await addFault("default", { type: "latency", ms: 1, operation: "metadata" });
    expect(fault).toMatchObject({ id: expect.any(String), keystore: "default", source: "admin", rule: { type: "latency", ms: 1, operation: "metadata" } });
    expect(await listFaults()).toEqual([fault]);
  });

  it("POST /faults for an unknown keystore is 404 and adds nothing", async () => {
    const res = await admin(proxy, "POST", "/faults/no-such-keystore", { type: "latency", ms: 10 });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: expect.stringContaining("no-such-keystore") });
    expect(await listFaults()).toEqual([]);
  });

  it.each([
    { field: "ms", rule: { type: "latency" } },
    { field: "ms", rule: { type: "latency", ms: -5 } },
    { field: "ms", rule: { type: "latency", ms: 60_001 } },
    { field: "times", rule: { type: "latency", ms: 10, times: 0 } },
    { field: "operation", rule: { type: "latency", ms: 10, operation: "sign" } },
    { field: "errorName", rule: { type: "error", errorName: "NoSuchException" } },
    { field: "status", rule: { type: "error", errorName: "InternalException", status: 200 } },
    { field: "body", rule: { type: "malformed", body: "xml" } },
    { field: "status", rule: { type: "health-status", status: "ACTIVE" } },
    { field: "type", rule: { type: "explode" } },
    { field: "type", rule: { ms: 10 } },
  ])("a bad rule ($field) is 400 naming the field, and adds nothing: %j", async ({ field, rule }) => {
    const res = await admin(proxy, "POST", "/faults/default", rule);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: expect.stringMatching(new RegExp(`\\b${field}\\b`)) });
    expect(await listFaults()).toEqual([]);
  });

  it("a body that is not JSON is 400", async () => {
    const res = await admin(proxy, "POST", "/faults/default", "{type: latency");
    expect(res.status).toBe(400);
    expect(await listFaults()).toEqual([]);
  });
});

describe("rule types", () => {
  it("latency: the answer takes at least `ms`, and is otherwise unchanged", async () => {
    const ms = 250;
    await addFault("default", { type: "latency", ms, operation: "health" });
    const start = performance.now();
    const res = await first.health();
    const elapsed = performance.now() - start;
    expect(res.status).toBe(200);
    expect(HealthResponse.safeParse(res.json).success).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(ms);
  });

  it.each(Object.entries(XKS_ERRORS).map(([errorName, { status }]) => ({ errorName: errorName as XksErrorName, status })))(
    "error $errorName: HTTP $status from the spec's table with the spec's error body",
    async ({ errorName, status }) => {
      await addFault("default", { type: "error", errorName, operation: "health" });
      const res = await first.health();
      expectXksError(res, errorName, status);
      expect(res.text).not.toContain("\n");
      expect(res.json).toEqual({ errorName, errorMessage: expect.any(String) });
    },
  );

  it("error with an explicit status and message uses them", async () => {
    await addFault("default", { type: "error", errorName: "InternalException", status: 502, errorMessage: "key manager unreachable", operation: "encrypt" });
    const res = await encryptFoo();
    expectXksError(res, "InternalException", 502);
    expect(res.json).toEqual({ errorName: "InternalException", errorMessage: "key manager unreachable" });
  });

  it("error faults apply after authentication: an unsigned request still gets 401 and does not use the rule up", async () => {
    await addFault("default", { type: "error", errorName: "ThrottlingException", operation: "health", times: 1 });
    expectXksError(await first.health({}, { unsigned: true }), "AuthenticationFailedException", 401);
    expectXksError(await first.health(), "ThrottlingException", 429);
    expect((await first.health()).status).toBe(200);
  });

  it.each([
    { body: "not-json", contentType: /^text\/plain/, check: (r: XksResponse) => expect(r.json).toBeUndefined() },
    { body: "wrong-schema", contentType: /^application\/json/, check: (r: XksResponse) => expect(HealthResponse.safeParse(r.json).success).toBe(false) },
    { body: "empty", contentType: /^application\/json/, check: (r: XksResponse) => expect(r.text).toBe("") },
  ] as const)("malformed $body: 200 with a body KMS cannot use", async ({ body, contentType, check }) => {
    await addFault("default", { type: "malformed", body, operation: "health" });
    const res = await first.health();
    expect(res.status).toBe(200);
    expect(String(res.headers["content-type"] ?? "")).toMatch(contentType);
    check(res);
  });

  it("close-connection: the request fails with a socket error, and the proxy answers the next request", async () => {
    await addFault("default", { type: "close-connection", operation: "encrypt", times: 1 });
    await expect(encryptFoo()).rejects.toMatchObject({ code: expect.stringMatching(/^(UND_ERR_SOCKET|ECONNRESET)$/) });
    const next = await encryptFoo();
    expect(next.status, next.text).toBe(200);
    await vi.waitFor(() => expect(proxy.logs.records()).toContainEqual(expect.objectContaining({ msg: "connection closed", status: 0, note: "fault: close-connection" })), {
      timeout: 2000,
    });
  });

  it.each(["DEGRADED", "UNAVAILABLE"] as const)("health-status %s: every key manager reports it, in a valid health body", async (status) => {
    await addFault("default", { type: "health-status", status });
    const res = await first.health();
    expect(res.status).toBe(200);
    const body = HealthResponse.parse(res.json);
    expect(body.ekmFleetDetails.map((d) => d.healthStatus)).toEqual(body.ekmFleetDetails.map(() => status));
    // The rule targets health only in effect: other APIs answer normally.
    expect((await first.metadata("foo")).status).toBe(200);
  });

  it("reject-signatures: a valid signature gets 401 AuthenticationFailedException", async () => {
    expect((await first.health()).status).toBe(200);
    await addFault("default", { type: "reject-signatures" });
    expectXksError(await first.health(), "AuthenticationFailedException", 401);
    expectXksError(await first.metadata("foo"), "AuthenticationFailedException", 401);
  });
});

describe("scoping", () => {
  it("operation: a fault on encrypt leaves health and metadata alone", async () => {
    await addFault("default", { type: "error", errorName: "ThrottlingException", operation: "encrypt" });
    expect((await first.health()).status).toBe(200);
    expect((await first.metadata("foo")).status).toBe(200);
    expectXksError(await encryptFoo(), "ThrottlingException", 429);
  });

  it("times: the rule applies N times, counts down in GET /faults, then disappears", async () => {
    const fault = await addFault("default", { type: "error", errorName: "DependencyTimeoutException", operation: "health", times: 2 });
    expect(fault.remaining).toBe(2);
    expectXksError(await first.health(), "DependencyTimeoutException", 503);
    expect(await listFaults()).toEqual([expect.objectContaining({ id: fault.id, remaining: 1 })]);
    expectXksError(await first.health(), "DependencyTimeoutException", 503);
    expect((await listFaults()).map((f) => f.id)).not.toContain(fault.id);
    expect((await first.health()).status).toBe(200);
  });

  it("keystore: a fault on one keystore leaves the other alone", async () => {
    await addFault("second", { type: "error", errorName: "InternalException" });
    expect((await first.health()).status).toBe(200);
    expect((await encryptFoo()).status).toBe(200);
    expectXksError(await second.health(), "InternalException", 500);
    expectXksError(await second.encrypt("k2", { plaintext: "SGVsbG8gV29ybGQh" }), "InternalException", 500);
  });
});

describe("removal", () => {
  it("DELETE /faults/{keystore}/{id} removes that rule (204), a second time 404", async () => {
    const fault = await addFault("default", { type: "error", errorName: "ThrottlingException", operation: "health" });
    const kept = await addFault("default", { type: "error", errorName: "ThrottlingException", operation: "metadata" });
    expectXksError(await first.health(), "ThrottlingException", 429);
    expect((await admin(proxy, "DELETE", `/faults/default/${fault.id}`)).status).toBe(204);
    expect(await listFaults()).toEqual([kept]);
    expect((await first.health()).status).toBe(200);
    expect((await admin(proxy, "DELETE", `/faults/default/${fault.id}`)).status).toBe(404);
  });

  it("DELETE /faults/{keystore}/{id} under another keystore's name → 404, the rule stays", async () => {
    const fault = await addFault("default", { type: "error", errorName: "ThrottlingException", operation: "health" });
    expect((await admin(proxy, "DELETE", `/faults/second/${fault.id}`)).status).toBe(404);
    expect(await listFaults()).toEqual([fault]);
  });

  it("DELETE /faults/{keystore} removes that keystore's rules only", async () => {
    await addFault("default", { type: "error", errorName: "ThrottlingException", operation: "health" });
    await addFault("default", { type: "latency", ms: 1, operation: "metadata" });
    const other = await addFault("second", { type: "error", errorName: "ThrottlingException", operation: "health" });
    const res = await admin(proxy, "DELETE", "/faults/default");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ removed: 2 });
    expect(await listFaults()).toEqual([other]);
    expect((await first.health()).status).toBe(200);
    expectXksError(await second.health(), "ThrottlingException", 429);
  });

  it("DELETE /faults removes every rule", async () => {
    await addFault("default", { type: "error", errorName: "ThrottlingException", operation: "health" });
    await addFault("second", { type: "reject-signatures" });
    const res = await admin(proxy, "DELETE", "/faults");
    expect(res.json).toEqual({ removed: 2 });
    expect(await listFaults()).toEqual([]);
    expect((await first.health()).status).toBe(200);
    expect((await second.health()).status).toBe(200);
  });
});

describe("faults from the config file", () => {
  let configured: TestProxy;
  let next: ProxyConfig;
  const withFaults = (faults: FaultRuleInput[]) => testConfig({ keystores: [{ ...defaultConfigInput().keystores[0]!, faults }] });

  beforeAll(async () => {
    const initial = withFaults([{ type: "error", errorName: "DependencyTimeoutException", operation: "metadata" }]);
    next = initial;
    configured = await startTestProxy(initial, { reloadSource: () => next });
  });
  afterAll(async () => {
    await configured?.stop();
  });

  it("are active at start, are replaced on reload, while faults added at runtime stay", async () => {
    const c = configured.client();
    expectXksError(await c.metadata("foo"), "DependencyTimeoutException", 503);
    expect(await listFaults(configured)).toEqual([expect.objectContaining({ source: "config", keystore: "default", rule: expect.objectContaining({ type: "error" }) })]);

    const added = await admin(configured, "POST", "/faults/default", { type: "health-status", status: "DEGRADED" });
    expect(added.status).toBe(201);

    next = withFaults([{ type: "error", errorName: "ThrottlingException", operation: "encrypt" }]);
    const reloaded = await admin(configured, "POST", "/reload");
    expect(reloaded.status, reloaded.text).toBe(200);

    expect((await c.metadata("foo")).status).toBe(200);
    expectXksError(await encryptFoo(c), "ThrottlingException", 429);
    expect(HealthResponse.parse((await c.health()).json).ekmFleetDetails[0]!.healthStatus).toBe("DEGRADED");
    const faults = await listFaults(configured);
    expect(faults).toHaveLength(2);
    expect(faults).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: "config", rule: expect.objectContaining({ errorName: "ThrottlingException", operation: "encrypt" }) }),
        expect.objectContaining({ id: (added.json as ActiveFault).id, source: "admin" }),
      ]),
    );
  });
});
