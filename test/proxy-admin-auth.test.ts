/**
 * The admin API changes how the mock behaves (one POST turns signature checking off), so every request needs
 * Authorization: Bearer <token> and a Host naming this listener on loopback (DNS rebinding). The token comes
 * from the caller, from XKS_MOCK_ADMIN_TOKEN, or is generated and written owner-only to
 * <certs-dir>/admin-token.<admin port> once the admin API listens (removed at a clean stop).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startProxy, type StartedProxy } from "../src/proxy/start-proxy.js";
import { ConfigError } from "../src/proxy/load-config.js";
import { CertsDirError } from "../src/pki/certs-dir.js";
import { createLogger } from "../src/proxy/request-log.js";
import { startTestProxy, testConfig, TEST_ADMIN_TOKEN, type TestProxy } from "./helpers/proxy-fixture.js";

interface Answer {
  status: number;
  body: string;
}

/** One admin request with full control of Host and Authorization (fetch would not let a test set Host). */
interface AdminRequest {
  method?: string;
  path: string;
  host?: string;
  authorization?: string;
  body?: string;
  origin?: string;
}

function adminRequest(proxy: { adminUrl?: string | undefined }, o: AdminRequest): Promise<Answer> {
  const url = new URL(proxy.adminUrl!);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: "127.0.0.1",
      port: url.port,
      method: o.method ?? "GET",
      path: o.path,
      timeout: 5000,
      headers: {
        host: o.host ?? url.host,
        ...(o.authorization ? { authorization: o.authorization } : {}),
        ...(o.origin ? { origin: o.origin } : {}),
        ...(o.body ? { "content-type": "application/json" } : {}),
      },
    });
    req.on("timeout", () => req.destroy(new Error("admin request timed out")));
    req.on("error", reject);
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.end(o.body);
  });
}

const bearer = (token: string) => `Bearer ${token}`;
const acceptAnySignature = JSON.stringify({ type: "mutation", mutation: "accept-any-signature" });

describe("admin API authentication", () => {
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await startTestProxy();
  });
  afterAll(async () => {
    await proxy?.stop();
  });
  const faultCount = async () => (JSON.parse((await adminRequest(proxy, { path: "/faults", authorization: bearer(TEST_ADMIN_TOKEN) })).body) as unknown[]).length;

  it("without a token: 401 with WWW-Authenticate, and the POST that would turn signature checking off changes nothing", async () => {
    const res = await adminRequest(proxy, { method: "POST", path: "/faults/default", body: acceptAnySignature });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: expect.stringMatching(/Authorization: Bearer <token>/) });
    expect(await faultCount()).toBe(0);
    expect((await adminRequest(proxy, { path: "/keystores" })).status).toBe(401);
  });

  it("a wrong token, or another scheme, is 401", async () => {
    for (const authorization of [bearer(`${TEST_ADMIN_TOKEN}x`), bearer("short"), `Basic ${Buffer.from(`admin:${TEST_ADMIN_TOKEN}`).toString("base64")}`, TEST_ADMIN_TOKEN]) {
      expect((await adminRequest(proxy, { method: "POST", path: "/faults/default", body: acceptAnySignature, authorization })).status, authorization).toBe(401);
    }
    expect(await faultCount()).toBe(0);
  });

  it("a Host other than 127.0.0.1, localhost or [::1] with the admin port is 403, even with the token (DNS rebinding)", async () => {
    const port = new URL(proxy.adminUrl!).port;
    for (const host of ["evil.example", `evil.example:${port}`, "127.0.0.1", `127.0.0.1:${Number(port) + 1}`, `localhost.evil.example:${port}`]) {
      const res = await adminRequest(proxy, { path: "/keystores", host, authorization: bearer(TEST_ADMIN_TOKEN) });
      expect(res.status, host).toBe(403);
    }
  });

  it("a request with an Origin (a web page in a browser) is 403, even with the token and a loopback Host", async () => {
    const authorization = bearer(TEST_ADMIN_TOKEN);
    const origin = "https://evil.example";
    const post = { method: "POST", path: "/faults/default", body: acceptAnySignature };
    const res = await adminRequest(proxy, { ...post, origin, authorization });
    expect(res.status).toBe(403);
    const error = 'carries Origin "https://evil.example": a web page in a browser may not call this listener';
    expect(JSON.parse(res.body)).toMatchObject({ error: expect.stringContaining(error) });
    expect(await faultCount()).toBe(0);
  });

  it("with the token and a loopback Host the API answers", async () => {
    const port = new URL(proxy.adminUrl!).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      expect((await adminRequest(proxy, { path: "/keystores", host, authorization: bearer(TEST_ADMIN_TOKEN) })).status, host).toBe(200);
    }
  });
});

describe("the admin listener's own limits", () => {
  it("caps connections at 64: the 65th is closed as it arrives, the others are served", async () => {
    const proxy = await startTestProxy();
    const url = new URL(proxy.adminUrl!);
    const open = async () => {
      const s = connect(Number(url.port), "127.0.0.1");
      s.on("error", () => undefined);
      await once(s, "connect");
      return s;
    };
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 64; i++) held.push(await open());
      const extra = await open();
      held.push(extra);
      const closed = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 5000);
        extra.once("close", () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      expect(await closed).toBe(true);
      let text = "";
      held[0]!.on("data", (c: Buffer) => (text += c.toString("utf8")));
      held[0]!.write(`GET /faults HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${TEST_ADMIN_TOKEN}\r\n\r\n`);
      await expect.poll(() => text, { timeout: 5000 }).toMatch(/^HTTP\/1\.1 200 OK/);
    } finally {
      for (const s of held) s.destroy();
      await proxy.stop();
    }
  });
});

describe("where the admin token comes from", () => {
  const certsDir = mkdtempSync(join(tmpdir(), "xks-admin-token-"));
  let started: StartedProxy | undefined;
  afterEach(async () => {
    await started?.stop();
    started = undefined;
  });
  afterAll(() => rmSync(certsDir, { recursive: true, force: true }));
  // Plain HTTP: the XKS listener needs no dev PKI in this empty certs dir.
  const start = (env: NodeJS.ProcessEnv) => startProxy({ config: testConfig({ http: true }), logger: createLogger("silent"), certsDir, env });

  const adminPortOf = (p: StartedProxy) => Number(new URL(p.adminUrl!).port);

  it("generated when XKS_MOCK_ADMIN_TOKEN is not set: written owner-only to <certs-dir>/admin-token.<port>, and it works", async () => {
    started = await start({});
    const file = join(certsDir, `admin-token.${adminPortOf(started)}`);
    expect(started.adminTokenFile).toBe(file);
    const token = readFileSync(file, "utf8").trim();
    expect(token).toBe(started.adminToken);
    expect(token.length).toBeGreaterThanOrEqual(32);
    if (process.platform !== "win32") expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await adminRequest(started, { path: "/faults", authorization: bearer(token) })).status).toBe(200);
    expect((await adminRequest(started, { path: "/faults" })).status).toBe(401);
  });

  it("a clean stop removes the token file; the next start writes a new token", async () => {
    started = await start({});
    const file = started.adminTokenFile!;
    const first = readFileSync(file, "utf8").trim();
    await started.stop();
    expect(existsSync(file)).toBe(false);
    started = await start({});
    expect(readFileSync(started.adminTokenFile!, "utf8").trim()).not.toBe(first);
  });

  it("two mocks on one certs dir: each its own file; one that cannot take the admin port leaves the running one's token alone", async () => {
    started = await start({});
    const second = await start({});
    try {
      expect(second.adminTokenFile).not.toBe(started.adminTokenFile);
      expect(readFileSync(second.adminTokenFile!, "utf8").trim()).toBe(second.adminToken);
    } finally {
      await second.stop();
    }
    const file = started.adminTokenFile!;
    const before = readFileSync(file, "utf8");
    const busy = startProxy({ config: testConfig({ http: true, adminPort: adminPortOf(started) }), logger: createLogger("silent"), certsDir, env: {} });
    await expect(busy).rejects.toMatchObject({ code: "EADDRINUSE" });
    expect(readFileSync(file, "utf8")).toBe(before);
    expect((await adminRequest(started, { path: "/faults", authorization: bearer(before.trim()) })).status).toBe(200);
  });

  it("XKS_MOCK_ADMIN_TOKEN when set: used as is, no file written", async () => {
    const token = "env-token-0123456789abcdef";
    started = await start({ XKS_MOCK_ADMIN_TOKEN: token });
    expect(started.adminTokenFile).toBeUndefined();
    expect(existsSync(join(certsDir, `admin-token.${adminPortOf(started)}`))).toBe(false);
    expect((await adminRequest(started, { path: "/faults", authorization: bearer(token) })).status).toBe(200);
  });

  it("a certs dir that cannot be written: the start fails naming the directory and --certs-dir", async () => {
    // A file where the directory should be stops root too (permission bits would not).
    const blocked = join(certsDir, "a-file");
    writeFileSync(blocked, "");
    const failing = startProxy({ config: testConfig({ http: true }), logger: createLogger("silent"), certsDir: join(blocked, "certs"), env: {} });
    await expect(failing).rejects.toThrow(CertsDirError);
    await expect(
      startProxy({ config: testConfig({ http: true }), logger: createLogger("silent"), certsDir: join(blocked, "certs"), env: {} }),
    ).rejects.toThrow(/^cannot write the admin token .* in .*a-file\/certs: a part of the path is a file, not a directory\. Fix: --certs-dir DIR/);
  });

  it("a too short XKS_MOCK_ADMIN_TOKEN stops the start with a message naming the variable and the fix", async () => {
    await expect(start({ XKS_MOCK_ADMIN_TOKEN: "short" })).rejects.toThrow(ConfigError);
    await expect(start({ XKS_MOCK_ADMIN_TOKEN: "short" })).rejects.toThrow(/XKS_MOCK_ADMIN_TOKEN: must be 16-512 characters.*Fix:/);
  });
});
