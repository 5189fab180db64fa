/**
 * Credential rotation by reload (spec "Authentication": at least two credentials, changes applied without a
 * restart or dropped connections): a request in flight finishes on the configuration it started with, and
 * a bad new configuration is refused while the proxy keeps serving.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type { ProxyConfigInput } from "../src/proxy/config-schema.js";
import { loadConfig } from "../src/proxy/load-config.js";
import { createLogger } from "../src/proxy/request-log.js";
import { watchConfig, type ConfigWatcher } from "../src/proxy/watch-config.js";
import type { ActiveFault } from "../src/proxy/fault-registry.js";
import type { XksCredential } from "../src/xks/sigv4/sign.js";
import { adminAuth } from "./helpers/admin-faults.js";
import { LogCapture, pkiPath, startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";

const OLD: XksCredential = { accessKeyId: "OLDROTATIONKEYID2345672", secretAccessKey: "OldSecretOldSecretOldSecretOldSecretOldSecret01" };
const NEW: XksCredential = { accessKeyId: "NEWROTATIONKEYID2345672", secretAccessKey: "NewSecretNewSecretNewSecretNewSecretNewSecret0123456789" };
const BAD_SECRET = "NeverShownSecretNeverShownSecretNeverShown0123";

const keystore = (credentials: XksCredential[], keys = [{ id: "k1" }]) => ({ name: "ks", pathPrefix: "/rotating/prefix", credentials, keys });

let proxy: TestProxy | undefined;
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

async function admin(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await request(`${proxy!.adminUrl}${path}`, {
    method,
    headers: { ...adminAuth(proxy!), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.statusCode, json: await res.body.json() };
}

/** Resolves once the fault has been used up, i.e. a request has taken it; bounded. */
async function faultTaken(id: string, maxPolls = 2000): Promise<void> {
  for (let i = 0; i < maxPolls; i++) {
    const { json } = await admin("GET", "/faults");
    if (!(json as ActiveFault[]).some((f) => f.id === id)) return;
  }
  throw new Error(`fault ${id} was still pending after ${maxPolls} polls: the request never reached the proxy`);
}

describe("rotation by reload with a request in flight", () => {
  it("the request in flight finishes 200 on the old credential; new requests see only the new one", async () => {
    proxy = await startTestProxy(testConfig({ keystores: [keystore([OLD])] }));
    const added = await admin("POST", "/faults/ks", { type: "latency", ms: 1500, times: 1, operation: "health" });
    expect(added.status).toBe(201);

    const inflight = proxy.client({ credential: OLD }).health({ kmsRequestId: "in-flight" });
    let settled = false;
    inflight.then(
      () => (settled = true),
      () => (settled = true),
    );
    // The latency rule is taken after SigV4 passed: from then on the request is held inside the proxy.
    await faultTaken(added.json.id);
    expect(settled).toBe(false);

    await proxy.reload(testConfig({ keystores: [keystore([NEW])] }));
    expect(settled).toBe(false);

    const oldAfter = await proxy.client({ credential: OLD }).health({ kmsRequestId: "old-after" });
    expect(oldAfter.status).toBe(401);
    expect(oldAfter.json).toMatchObject({ errorName: "AuthenticationFailedException" });
    expect((await proxy.client({ credential: NEW }).health({ kmsRequestId: "new-after" })).status).toBe(200);
    expect(settled).toBe(false);

    const done = await inflight;
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ xksProxyFleetSize: 1 });
    expect(done.ms).toBeGreaterThanOrEqual(1400);
    // The log line is written on the response's "finish", which can come just after the client has the answer.
    await vi.waitFor(() => expect(proxy!.logs.records().find((r) => r.kmsRequestId === "in-flight")).toBeDefined(), { timeout: 2000 });
    expect(proxy.logs.records().find((r) => r.kmsRequestId === "in-flight")).toMatchObject({ status: 200, accessKeyId: OLD.accessKeyId, note: "fault: latency" });
  });

  it("the spec's procedure: add the new credential (both work), then remove the old one", async () => {
    proxy = await startTestProxy(testConfig({ keystores: [keystore([OLD])] }));
    const withOld = proxy.client({ credential: OLD });
    const withNew = proxy.client({ credential: NEW });
    expect((await withOld.health()).status).toBe(200);
    expect((await withNew.health()).status).toBe(401);

    await proxy.reload(testConfig({ keystores: [keystore([OLD, NEW])] }));
    expect((await withOld.health()).status).toBe(200);
    expect((await withNew.health()).status).toBe(200);

    await proxy.reload(testConfig({ keystores: [keystore([NEW])] }));
    expect((await withOld.health()).status).toBe(401);
    expect((await withNew.health()).status).toBe(200);
  });
});

describe("POST /reload re-reads the config file", () => {
  const dir = mkdtempSync(join(tmpdir(), "xks-reload-"));
  const file = join(dir, "config.json");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (content: ProxyConfigInput | string) => writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  const fileConfig = (credentials: XksCredential[], keys = [{ id: "k1" }]): ProxyConfigInput => ({
    port: 0,
    adminPort: 0,
    keystores: [keystore(credentials, keys)],
  });

  it("applies new credentials and keys; a bad file answers 400 naming the field and the old configuration stays", async () => {
    write(fileConfig([OLD]));
    const load = () => loadConfig({ file });
    proxy = await startTestProxy(load(), { reloadSource: load });
    const withOld = proxy.client({ credential: OLD });
    const withNew = proxy.client({ credential: NEW });
    expect((await withOld.health()).status).toBe(200);
    expect((await withNew.health()).status).toBe(401);
    expect((await withOld.metadata("k2")).json).toMatchObject({ errorName: "KeyNotFoundException" });

    write(fileConfig([NEW], [{ id: "k1" }, { id: "k2" }]));
    expect(await admin("POST", "/reload")).toEqual({ status: 200, json: { reloaded: true } });
    expect((await withOld.health()).status).toBe(401);
    expect((await withNew.health()).status).toBe(200);
    expect((await withNew.metadata("k2")).status).toBe(200);

    write(fileConfig([{ accessKeyId: "not-a-valid-access-key-id", secretAccessKey: BAD_SECRET }]));
    const refused = await admin("POST", "/reload");
    expect(refused.status).toBe(400);
    expect(refused.json.error).toContain("keystores.0.credentials.0.accessKeyId");
    expect(refused.json.error).toMatch(/20-30 chars of A-Z and 2-7/);
    expect(refused.json.error).not.toContain(BAD_SECRET);
    expect((await withNew.health()).status).toBe(200);
    expect((await withOld.health()).status).toBe(401);

    write(`{"keystores": [{"credentials": [{"secretAccessKey": ${BAD_SECRET}}]}]}`);
    const notJson = await admin("POST", "/reload");
    expect(notJson.status).toBe(400);
    expect(notJson.json.error).toMatch(/not valid JSON/);
    expect(notJson.json.error).not.toContain(BAD_SECRET.slice(0, 8));
    expect((await withNew.health()).status).toBe(200);

    write(fileConfig([OLD]));
    expect((await admin("POST", "/reload")).status).toBe(200);
    expect((await withOld.health()).status).toBe(200);
    expect((await withNew.health()).status).toBe(401);
  });

  it("the admin API lists the access key ids after a reload, never a secret", async () => {
    write(fileConfig([OLD, NEW]));
    const load = () => loadConfig({ file });
    proxy = await startTestProxy(load(), { reloadSource: load });
    write(fileConfig([NEW]));
    expect((await admin("POST", "/reload")).status).toBe(200);
    const listed = await admin("GET", "/keystores");
    expect(listed.json).toMatchObject([{ name: "ks", accessKeyIds: [NEW.accessKeyId] }]);
    const text = JSON.stringify(listed.json);
    expect(text).not.toContain(NEW.secretAccessKey);
    expect(text).not.toContain(OLD.secretAccessKey);
  });
});

describe("a reload is all or nothing, and logged", () => {
  it("with 256 admin fault rules a config that adds one more is refused whole: its new credential is NOT live", async () => {
    const withFault = (credentials: XksCredential[]) => ({
      ...keystore(credentials),
      faults: [{ type: "error" as const, errorName: "ThrottlingException" as const, operation: "encrypt" as const }],
    });
    proxy = await startTestProxy(testConfig({ keystores: [keystore([OLD])] }));
    for (let i = 0; i < 256; i++) expect((await admin("POST", "/faults/ks", { type: "latency", ms: 0, operation: "metadata" })).status).toBe(201);

    await expect(proxy.reload(testConfig({ keystores: [withFault([OLD, NEW])] }))).rejects.toThrow(/exceed 256 active rules/);
    expect((await proxy.client({ credential: NEW }).health()).status).toBe(401);
    expect((await proxy.client({ credential: OLD }).health()).status).toBe(200);
    expect(proxy.config().keystores[0]!.credentials.map((c) => c.accessKeyId)).toEqual([OLD.accessKeyId]);
    const faults = (await admin("GET", "/faults")).json as ActiveFault[];
    expect(faults).toHaveLength(256);
    expect(faults.every((f) => f.source === "admin")).toBe(true);
    const refusal = proxy.logs.records().find((r) => r.msg === "reload refused; keeping the current configuration");
    expect(refusal).toMatchObject({ level: 50, reason: expect.stringMatching(/the configuration's 1 fault rules and the 256 added through the admin API exceed 256/) });

    // Room made, the same configuration applies in full, and that is logged too.
    expect((await admin("DELETE", "/faults/ks")).json).toEqual({ removed: 256 });
    await proxy.reload(testConfig({ keystores: [withFault([OLD, NEW])] }));
    expect((await proxy.client({ credential: NEW }).health()).status).toBe(200);
    expect(((await admin("GET", "/faults")).json as ActiveFault[]).map((f) => f.source)).toEqual(["config"]);
    expect(proxy.logs.records().filter((r) => r.msg === "configuration reloaded")).toHaveLength(1);
  });

  it("a certificate that does not match its key refuses the reload before the credentials change", async () => {
    proxy = await startTestProxy(testConfig({ keystores: [keystore([OLD])] }));
    const next = testConfig({ keystores: [keystore([NEW])], tls: { certFile: pkiPath("serverCert"), keyFile: pkiPath("clientKey") } });
    await expect(proxy.reload(next)).rejects.toThrow();
    expect((await proxy.client({ credential: NEW }).health()).status).toBe(401);
    expect((await proxy.client({ credential: OLD }).health()).status).toBe(200);
  });
});

describe("the config file is followed by its path (editors replace it by rename)", () => {
  const dir = mkdtempSync(join(tmpdir(), "xks-rename-"));
  const file = join(dir, "cfg.json");
  let watcher: ConfigWatcher | undefined;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => watcher?.close());
  let n = 0;
  /** Writes a new file beside cfg.json and renames it over cfg.json, as `mv new cfg.json` does. */
  const replace = (credentials: XksCredential[]) => {
    const next = join(dir, `new-${++n}.json`);
    writeFileSync(next, JSON.stringify({ port: 0, adminPort: 0, keystores: [keystore(credentials)] }));
    renameSync(next, file);
  };
  /** Polls (bounded) until the credential gets this status. */
  const until = async (credential: XksCredential, status: number) =>
    vi.waitFor(async () => expect((await proxy!.client({ credential }).health()).status).toBe(status), { timeout: 5000, interval: 50 });

  it("every replacement applies, not only the first; each reload and refusal is logged", async () => {
    replace([OLD]);
    const load = () => loadConfig({ file });
    proxy = await startTestProxy(load(), { reloadSource: load });
    const watchLogs = new LogCapture();
    watcher = watchConfig(file, () => proxy!.reload(), createLogger("info", watchLogs));

    replace([OLD, NEW]);
    await until(NEW, 200);
    replace([NEW]);
    await until(OLD, 401);
    expect((await proxy.client({ credential: NEW }).health()).status).toBe(200);
    replace([OLD]);
    await until(NEW, 401);
    expect((await proxy.client({ credential: OLD }).health()).status).toBe(200);

    const invalid = join(dir, "invalid.json");
    writeFileSync(invalid, JSON.stringify({ keystores: [keystore([{ accessKeyId: "bad", secretAccessKey: BAD_SECRET }])] }));
    renameSync(invalid, file);
    await vi.waitFor(() => expect(proxy!.logs.records().some((r) => r.msg === "reload refused; keeping the current configuration")).toBe(true), { timeout: 5000 });
    expect((await proxy.client({ credential: OLD }).health()).status).toBe(200);

    expect(proxy.logs.records().filter((r) => r.msg === "configuration reloaded").length).toBeGreaterThanOrEqual(3);
    expect(proxy.logs.records().find((r) => r.msg === "reload refused; keeping the current configuration")).toMatchObject({ reason: expect.stringContaining("accessKeyId") });
    expect(watchLogs.records().filter((r) => r.msg === "reloading the configuration").every((r) => r.trigger === "config file changed")).toBe(true);
    expect(proxy.logs.text + watchLogs.text).not.toContain(BAD_SECRET);
  });
});
