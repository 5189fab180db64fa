/**
 * `xks-harness watch` end to end against the mock (real TLS on 127.0.0.1): --once exits 0 healthy and 1 not;
 * text and --json log lines, one per state change (healthy → failing → healthy); the metrics endpoint serves
 * GET /metrics only, under the listener limits; SIGTERM stops it with exit 0; bad usage (a port in use included)
 * exits 2 and names the flag.
 */
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomXksCredential } from "../src/client/index.js";
import { XKS_METRIC_NAMES as M, XksMetrics } from "../src/metrics/xks-metrics.js";
import { startMetricsServer } from "../harness/watch/metrics-server.js";
import { addFault, clearFaults } from "./helpers/admin-faults.js";
import { proxySettings, targetFlags } from "./helpers/check-options.js";
import { startCheckProxy, type CheckProxy } from "./helpers/check-proxy.js";
import { runCli } from "./helpers/cli-process.js";
import { parseExposition, valueOf } from "./helpers/prom-text.js";
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

/**
 * Only a call over 200 ms made the round degraded. A cold TLS handshake on a loaded machine can take that long;
 * the tests here are about errors and state changes, not this machine's speed.
 */
const LATENCY_ONLY = /^\w+( \S+)? took \d+ ms \(over 200 ms; KMS gives up at 250\)$/;
const slowOnly = (reasons: readonly string[]) => reasons.length > 0 && reasons.every((r) => LATENCY_ONLY.test(r));

/** The reasons of a --once run's degraded state line (text or --json); none when it was not degraded. */
function degradedReasons(stdout: string): string[] {
  const text = /degraded \(round 1\): (.*)$/m.exec(stdout);
  if (text) return text[1]!.split("; ");
  const json = stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.event === "state" && e.to === "degraded");
  return (json?.reasons as string[] | undefined) ?? [];
}

/** `watch --once`, run again (up to 3 runs in all) while a run is degraded by latency alone. */
async function watchOnce(args: string[]): ReturnType<typeof runCli> {
  for (let attempt = 1; ; attempt++) {
    const run = await watch([...args, "--once"]);
    if (attempt === 3 || run.code !== 1 || !slowOnly(degradedReasons(run.stdout))) return run;
  }
}

/** The state changes with those of latency alone (degraded, then back) taken out. */
function changesBesidesLatency(events: readonly Record<string, unknown>[]): unknown[] {
  const states = events.filter((e) => e.event === "state" && !(e.to === "degraded" && slowOnly(e.reasons as string[]))).map((e) => e.to);
  return states.filter((s, i) => s !== states[i - 1]);
}

describe("xks-harness watch --once", () => {
  it("exits 0 with one healthy line when every call, the round trip included, succeeds", async () => {
    const run = await watchOnce(["--key-id", "foo"]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
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
    expect(run.stdout).toMatch(/failing \(round 1\): health: TcpFailure \(Retryable\): request failed: nothing listens on \S+ \(connection refused\)/);
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
      const failing = await w.waitFor((e) => e.event === "state" && e.to === "failing", 10_000);
      await clearFaults(proxy);
      await w.waitFor((e) => e.event === "state" && e.to === "healthy" && w.events.indexOf(e) > w.events.indexOf(failing), 10_000);
      // Let at least six rounds pass (the health calls counted in the metrics): three changes, three lines, not one per round.
      const scrape = async () => parseExposition(await (await fetch(url)).text());
      const store = { custom_key_store_id: "" };
      const healthCalls = async () => valueOf(await scrape(), `${M.XksProxyLatency}_count`, { ...store, kms_operation: "KmsHealthCheck", xks_operation: "GetHealthStatus" }) ?? 0;
      const end = Date.now() + 15_000;
      while ((await healthCalls()) < 6 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await healthCalls()).toBeGreaterThanOrEqual(6);
      // One line per change: each starts from where the last one went. A round degraded only by this machine's
      // latency (a slow handshake) is a change too, but not one this test makes.
      const changes = w.events.filter((e) => e.event === "state");
      expect(changes.map((e) => e.from)).toEqual([null, ...changes.slice(0, -1).map((e) => e.to)]);
      expect(changesBesidesLatency(w.events)).toEqual(["healthy", "failing", "healthy"]);

      const metrics = await fetch(url);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get("content-type")).toContain("text/plain");
      const e = parseExposition(await metrics.text());
      const throttled = valueOf(e, M.XksProxyErrors, { ...store, kms_operation: "Encrypt", xks_operation: "Encrypt", error_type: "Retryable", exception_name: "ThrottlingException" });
      expect(throttled).toBeGreaterThanOrEqual(1);
      expect(valueOf(e, M.up, store)).toBe(1);
      const days = valueOf(e, M.XksProxyCertificateDaysToExpire, { ...store, certificate_name: "localhost" });
      expect(Number.isInteger(days) && days! > 0, String(days)).toBe(true);
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

  it("closes a connection that sends nothing after the idle limit", async () => {
    const server = await startMetricsServer(new XksMetrics(), "127.0.0.1", 0, { idleTimeoutMs: 300, headersTimeoutMs: 10_000, maxConnections: 2 });
    try {
      const idle = await openTcp(server.port);
      expect(await closedWithin(idle, 5000)).toBeGreaterThanOrEqual(200);
    } finally {
      await server.close();
    }
  });

  it("refuses a connection past the cap at once, and keeps serving the ones it holds", async () => {
    // An idle limit far beyond the test: only the cap can close the extra connection this fast.
    const server = await startMetricsServer(new XksMetrics(), "127.0.0.1", 0, { idleTimeoutMs: 10_000, headersTimeoutMs: 10_000, maxConnections: 2 });
    const kept = [await openTcp(server.port), await openTcp(server.port)];
    try {
      const extra = await openTcp(server.port);
      expect(await closedWithin(extra, 1000)).toBeLessThan(1000);
      for (const s of kept) {
        expect(s.destroyed).toBe(false);
        const answer = new Promise<string>((resolve) => s.once("data", (c: Buffer) => resolve(c.toString("utf8"))));
        s.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        expect(await answer).toMatch(/^HTTP\/1\.1 200 /);
      }
    } finally {
      for (const s of kept) s.destroy();
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
