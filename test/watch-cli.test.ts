/**
 * `xks-harness watch` end to end against the mock (real TLS on 127.0.0.1): --once exits 0 healthy and 1 not;
 * text and --json log lines, one per state change (healthy → failing → healthy); the metrics endpoint serves
 * GET /metrics only, under the listener limits; SIGTERM stops it with exit 0; bad usage (a port in use included)
 * exits 2 and names the flag.
 */
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomXksCredential } from "../src/client/index.js";
import { XksMetrics } from "../src/metrics/xks-metrics.js";
import { startMetricsServer } from "../harness/watch/metrics-server.js";
import { addFault, clearFaults } from "./helpers/admin-faults.js";
import { proxySettings, targetFlags } from "./helpers/check-options.js";
import { startCheckProxy, type CheckProxy } from "./helpers/check-proxy.js";
import { runCli } from "./helpers/cli-process.js";
import { spawnWatch } from "./helpers/prometheus.js";
import { testConfig } from "./helpers/proxy-fixture.js";
import { closedWithin } from "./helpers/raw-tls.js";

const CLI = "dist/harness/cli.js";
const cred = randomXksCredential();
let proxy: CheckProxy;

beforeAll(async () => {
  proxy = await startCheckProxy(testConfig({ keystores: [{ name: "ks", pathPrefix: "/watch", credentials: [cred], keySeed: "watch test key seed", keys: [{ id: "foo" }] }] }));
});
afterAll(async () => {
  await proxy?.stop();
});
afterEach(async () => {
  await clearFaults(proxy);
});

function target(): string[] {
  return targetFlags(proxy, cred);
}
const env = () => ({ XKS_SECRET_ACCESS_KEY: cred.secretAccessKey });
const watch = (args: string[]) => runCli(CLI, ["watch", ...target(), ...args], env());

describe("xks-harness watch --once", () => {
  it("exits 0 with one healthy line when every call, the round trip included, succeeds", async () => {
    const run = await watch(["--key-id", "foo", "--once"]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\S+Z checking https:\/\/localhost:\d+\/watch\/kms\/xks\/v1 once$/);
    expect(lines[1]).toMatch(/^\S+Z healthy \(round 1\): every call answered correctly within 200 ms$/);
    expect(run.stdout + run.stderr).not.toContain(cred.secretAccessKey);
  });

  it("exits 1, failing, with the exception KMS would see, when the decrypt answers an error", async () => {
    await addFault(proxy, "ks", { type: "error", operation: "decrypt", errorName: "InvalidCiphertextException" });
    const run = await watch(["--key-id", "foo", "--once", "--json"]);
    expect(run.code, run.stderr).toBe(1);
    const events = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e.event)).toEqual(["start", "state"]);
    expect(events[0]).toMatchObject({ metrics: null, intervalS: 30, customKeyStoreId: "" });
    expect(events[1]).toMatchObject({ round: 1, from: null, to: "failing", reasons: ["decrypt foo: InvalidCiphertextException (Non-retryable): HTTP 400 InvalidCiphertextException"] });
    expect(typeof events[1]!.time).toBe("string");
  });

  it("exits 1, degraded, when a key manager is DEGRADED but every call succeeds", async () => {
    await addFault(proxy, "ks", { type: "health-status", status: "DEGRADED" });
    const run = await watch(["--once"]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/degraded \(round 1\): key manager DEGRADED: /);
  });

  it("exits 1, failing, when nothing answers (the proxy's port closed)", async () => {
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    const s = proxySettings(proxy, { credential: cred });
    const run = await runCli(CLI, ["watch", "--endpoint", `https://localhost:${port}`, "--path", s.path, "--access-key-id", s.accessKeyId, "--dev", "--once"], env());
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/failing \(round 1\): health: TcpFailure \(Retryable\): request failed: ECONNREFUSED/);
  });
});

describe("xks-harness watch, running", () => {
  it("logs one line per state change (healthy → failing → healthy), serves GET /metrics only, and stops on SIGTERM with exit 0", async () => {
    const w = spawnWatch([...target(), "--key-id", "foo", "--interval", "1", "--metrics-port", "0"], env());
    try {
      const start = await w.waitFor((e) => e.event === "start", 10_000);
      const url = String(start.metrics);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      await w.waitFor((e) => e.event === "state" && e.to === "healthy", 10_000);
      await addFault(proxy, "ks", { type: "error", operation: "encrypt", errorName: "ThrottlingException" });
      await w.waitFor((e) => e.event === "state" && e.from === "healthy" && e.to === "failing", 10_000);
      await clearFaults(proxy);
      await w.waitFor((e) => e.event === "state" && e.from === "failing" && e.to === "healthy", 10_000);
      // Let at least six rounds pass (the health calls counted in the metrics): three changes, three lines, not one per round.
      const healthCalls = async () => Number(/xks_proxy_latency_seconds_count\{[^}]*xks_operation="GetHealthStatus"\} (\d+)/.exec(await (await fetch(url)).text())?.[1] ?? 0);
      const end = Date.now() + 15_000;
      while ((await healthCalls()) < 6 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await healthCalls()).toBeGreaterThanOrEqual(6);
      expect(w.events.filter((e) => e.event === "state").map((e) => e.to)).toEqual(["healthy", "failing", "healthy"]);

      const metrics = await fetch(url);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get("content-type")).toContain("text/plain");
      const body = await metrics.text();
      expect(body).toMatch(/xks_proxy_errors_total\{custom_key_store_id="",kms_operation="Encrypt",xks_operation="Encrypt",error_type="Retryable",exception_name="ThrottlingException"\} [1-9]/);
      expect(body).toMatch(/xks_proxy_up\{custom_key_store_id=""\} 1/);
      expect(body).toMatch(/xks_proxy_certificate_days_to_expire\{custom_key_store_id="",certificate_name="localhost"\} \d+/);
      expect((await fetch(url, { method: "POST", body: "x" })).status).toBe(405);
      expect((await fetch(url.replace("/metrics", "/"))).status).toBe(404);
      expect((await fetch(url.replace("/metrics", "/metrics/x"))).status).toBe(404);
    } finally {
      const code = await w.stop();
      expect(code, w.stderr()).toBe(0);
      expect(w.events.at(-1)).toMatchObject({ event: "stop", signal: "SIGTERM" });
    }
  }, 40_000);
});

describe("the metrics listener's limits", () => {
  async function openTcp(port: number): Promise<Socket> {
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("error", () => undefined);
    await once(socket, "connect");
    return socket;
  }

  it("closes a connection that sends nothing after the idle limit, and refuses connections past the cap", async () => {
    const server = await startMetricsServer(new XksMetrics(), "127.0.0.1", 0, { idleTimeoutMs: 300, headersTimeoutMs: 10_000, maxConnections: 2 });
    try {
      const idle = await openTcp(server.port);
      expect(await closedWithin(idle as TLSSocket, 5000)).toBeGreaterThanOrEqual(200);
      const kept = [await openTcp(server.port), await openTcp(server.port)];
      const extra = await openTcp(server.port);
      await closedWithin(extra as TLSSocket, 3000);
      for (const s of kept) s.destroy();
    } finally {
      await server.close();
    }
  });
});

describe("xks-harness watch: bad usage exits 2 before anything is sent", () => {
  it("names the port when --metrics-port is in use", async () => {
    const busy = createServer().listen(0, "127.0.0.1");
    await once(busy, "listening");
    const port = (busy.address() as { port: number }).port;
    try {
      const run = await watch(["--metrics-port", String(port)]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`127.0.0.1:${port}`);
      expect(run.stderr).toContain("--metrics-port");
      expect(run.stdout).toBe("");
    } finally {
      busy.close();
    }
  });

  it.each([
    { args: ["--interval", "0"], says: "--interval" },
    { args: ["--metrics-port", "70000"], says: "--metrics-port" },
    { args: ["--custom-key-store-id", "cks 1"], says: "--custom-key-store-id" },
  ])("$args", async ({ args, says }) => {
    const run = await watch([...args, "--once"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(says);
  });

  it("a missing endpoint, or a port without --dev", async () => {
    const noEndpoint = await runCli(CLI, ["watch", "--path", "/kms/xks/v1", "--access-key-id", cred.accessKeyId, "--once"], env());
    expect(noEndpoint.code).toBe(2);
    expect(noEndpoint.stderr).toContain("missing --endpoint");
    const s = proxySettings(proxy, { credential: cred });
    const noDev = await runCli(CLI, ["watch", "--endpoint", s.endpoint, "--path", s.path, "--access-key-id", s.accessKeyId, "--once"], env());
    expect(noDev.code).toBe(2);
    expect(noDev.stderr).toMatch(/port \d+.*KMS always connects to 443/);
  });
});
