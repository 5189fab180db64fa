/**
 * `--html FILE` of check, conformance, update and load, through the built CLI against real mocks and the local KMS, each
 * page opened in headless Chromium (Debian's `chromium`): no console error (a CSP violation is one), no network
 * request but the file itself, the verdict on the page, the secret nowhere in the file. Screenshots (desktop and
 * phone width) are kept in test-artifacts/ (gitignored) and their paths printed.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { KMSClient } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { esc, HTML_CSP } from "../harness/report/html.js";
import type { StartedLocalKms } from "../src/kms/index.js";
import { packageRoot } from "../src/package-root.js";
import { randomXksCredential } from "../src/client/random-credential.js";
import { runCli, scrubbedEnv } from "./helpers/cli-process.js";
import { conformanceConfig, MOCK_KEYS, startConformanceProxy, type ConformanceProxy } from "./helpers/conformance-proxy.js";
import { CHROMIUM, visitHtml } from "./helpers/headless-chromium.js";
import { connectedKey, endpointOf, pathOf, sdkClient, startTestKms } from "./helpers/kms-fixture.js";
import { pkiPath, startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";

/** Random bytes as base64, as the checks' and cases' plaintexts are: mixed case and a digit, 16+ characters. */
const BASE64_BLOB = /(?<![\w+/-])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[0-9])[A-Za-z0-9+/]{16,}={0,2}(?![\w+/-])/;
const ROOT = packageRoot();
const CLI = join(ROOT, "dist", "harness", "cli.js");
const ARTIFACTS = join(ROOT, "test-artifacts");

const cred = randomXksCredential();
const next = randomXksCredential();
const wrong = randomXksCredential();
let kms: StartedLocalKms;
let client: KMSClient;
let proxy: TestProxy;
let conf: ConformanceProxy;
let storeId: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "xks-report-html-"));
  mkdirSync(ARTIFACTS, { recursive: true });
  [kms, proxy, conf] = await Promise.all([
    startTestKms(),
    startTestProxy(testConfig({ keystores: [{ name: "ks", pathPrefix: "/html", credentials: [cred, next], keySeed: "html report seed", keys: [{ id: "foo" }] }] })),
    startConformanceProxy(conformanceConfig([cred])),
  ]);
  client = sdkClient(kms);
  storeId = (await connectedKey(client, kms, proxy)).storeId;
}, 60_000);
afterAll(async () => {
  client?.destroy();
  await Promise.all([kms?.stop(), proxy?.stop(), conf?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const checkTarget = (c = cred) => ["--endpoint", endpointOf(proxy), "--path", pathOf(proxy), "--access-key-id", c.accessKeyId, "--ca", pkiPath("caCert"), "--dev", "--key-id", "foo", "--no-color"];

/** The file is self-contained and secret-free; in Chromium it logs no error, fetches nothing and shows `verdict`. */
async function expectGoodPage(file: string, name: string, verdict: RegExp): Promise<string> {
  const html = readFileSync(file, "utf8");
  for (const c of [cred, next, wrong]) expect(html.includes(c.secretAccessKey), `a secret is in ${name}`).toBe(false);
  // The runs' plaintexts (and ciphertexts) are random base64 made inside the CLI: no such blob may be on the page.
  expect(html.match(BASE64_BLOB), `a base64 blob (plaintext or ciphertext?) in ${name}`).toBeNull();
  expect(html).toContain(`content="${esc(HTML_CSP)}"`);
  // Nothing that could load: no script, no external reference (the SVG namespace is an identifier, not a fetch).
  expect(html).not.toMatch(/<script|<link|<img|<iframe|url\(|@import/i);
  expect(html.replaceAll("http://www.w3.org/2000/svg", "")).not.toMatch(/(src|href)=/i);
  if (!CHROMIUM) return html;
  for (const [suffix, width, height] of [["", 1200, 900], ["-phone", 390, 800]] as const) {
    const screenshot = join(ARTIFACTS, `${name}${suffix}.png`);
    const visit = await visitHtml(file, { screenshot, width, height });
    expect(visit.consoleErrors, `console errors in ${name}`).toEqual([]);
    expect(visit.requests).toEqual([pathToFileURL(file).href]);
    expect(visit.text).toMatch(verdict);
    expect(statSync(screenshot).size).toBeGreaterThan(1000);
    process.stdout.write(`report-html: screenshot of ${name} at ${width}px: ${screenshot}\n`);
  }
  return html;
}

// Only a machine without the browser skips, and says so; .ci/run installs it, so CI always opens the pages.
if (!CHROMIUM) it.skip("opening the reports in a browser: `chromium` is not on PATH (Debian: apt-get install chromium; .ci/run installs it)", () => undefined);

describe("check --html", () => {
  it("a passing check: the file is written, PASS first, the checks and the 250 ms waterfall, no secret", async () => {
    const file = join(dir, "check-pass.html");
    const run = await runCli(CLI, ["check", ...checkTarget(), "--html", file], { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const html = await expectGoodPage(file, "check-pass", /PASS\s*UpdateCustomKeyStore with these settings is expected to succeed/);
    expect(html.indexOf("PASS")).toBeLessThan(html.indexOf("<table"));
    expect(html).toContain("250 ms budget");
    for (const id of ["dns", "tcp", "tls", "auth", "latency", "keys"]) expect(html).toContain(`>${id}<`);
  });

  it("a wrong secret: FAIL with the predicted exception and the fix", async () => {
    const file = join(dir, "check-fail.html");
    const run = await runCli(CLI, ["check", ...checkTarget(), "--html", file], { XKS_SECRET_ACCESS_KEY: wrong.secretAccessKey });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const html = await expectGoodPage(file, "check-fail", /FAIL\s*do not run UpdateCustomKeyStore[\s\S]*XksProxyIncorrectAuthenticationCredentialException/);
    expect(html).toContain("What to fix");
  });

  it("an --html path that cannot be written is bad usage (2) before any probe", async () => {
    const run = await runCli(CLI, ["check", ...checkTarget(), "--html", join(dir, "no-such-dir", "r.html")], { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--html .*no-such-dir.* does not exist/);
  });
});

describe("conformance --html", () => {
  it("the verdict, the counts and every case with expected and actual; no secret", async () => {
    const file = join(dir, "conformance.html");
    const url = new URL(conf.baseUrl());
    const args = ["conformance", "--endpoint", url.origin, "--path", url.pathname, "--access-key-id", cred.accessKeyId, "--ca", pkiPath("caCert"), "--key-id", MOCK_KEYS.keyId, "--timeout-ms", "10000", "--no-color", "--html", file];
    const run = await runCli(CLI, args, { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const html = await expectGoodPage(file, "conformance", /PASS\s*no MUST case failed/);
    expect(html).toMatch(/\d+ passed, 0 failed, \d+ skipped/);
  }, 60_000);
});

describe("update --html", () => {
  it("a dry run: DRY-RUN first, the plan as aws CLI lines with the secret's placeholder, the checks; no secret", async () => {
    const file = join(dir, "update.html");
    const args = ["update", "--custom-key-store-id", storeId, "--kms-endpoint", kms.url, "--region", "us-east-1", "--dev", "--ca", pkiPath("caCert"), "--key-id", "foo", "--no-color"];
    const run = await runCli(CLI, [...args, "--access-key-id", next.accessKeyId, "--dry-run", "--html", file], { XKS_SECRET_ACCESS_KEY: next.secretAccessKey });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const html = await expectGoodPage(file, "update", /DRY-RUN[\s\S]*checks: PASS/);
    expect(html).toContain("aws kms update-custom-key-store");
    expect(html).toContain(next.accessKeyId);
  }, 60_000);

  it("an applied update: UPDATED first, the store before (old access key id) and after (new), the rollback; no secret", async () => {
    const file = join(dir, "update-applied.html");
    const args = ["update", "--custom-key-store-id", storeId, "--kms-endpoint", kms.url, "--region", "us-east-1", "--dev", "--ca", pkiPath("caCert"), "--key-id", "foo", "--no-color"];
    const run = await runCli(CLI, [...args, "--access-key-id", next.accessKeyId, "--yes", "--html", file], { XKS_SECRET_ACCESS_KEY: next.secretAccessKey });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const html = await expectGoodPage(file, "update-applied", /UPDATED[\s\S]*The store/);
    // The store table: the access key id row shows the rotation, the state stays CONNECTED.
    expect(html).toContain(`<tr>${cell("field", "AccessKeyId")}${cell("before", cred.accessKeyId)}${cell("after", next.accessKeyId)}</tr>`);
    expect(html).toContain(`<tr>${cell("field", "ConnectionState")}${cell("before", "CONNECTED")}${cell("after", "CONNECTED")}</tr>`);
    expect(html).toContain("Rollback");
  }, 60_000);
});

/** A table cell as htmlTable writes it: the numbers of the page are checked against the --json report by these. */
const cell = (label: string, value: string | number) => `<td data-label="${esc(label)}">${esc(value)}</td>`;

interface LoadStepJson {
  rate: number;
  scheduled: number;
  sentOnTime: number;
  achievedRate: number;
  verdict: string;
  reasons: string[];
  latency: Record<string, { count: number; p50Ms: number; p90Ms: number; p99Ms: number; p999Ms: number; maxMs: number }>;
  kms: { ok: number; kmsTimeouts: number; throttles: number };
  connections: { connectionsOpened: number; tlsHandshakes: number };
}

describe("load --html", () => {
  const load = (args: string[]) => runCli(CLI, ["load", ...checkTarget(), ...args], { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey });
  const requestsSeen = () => proxy.logs.answered();

  it("a fixed rate: the verdict first (PASS on a quiet machine), every step number the --json report has, both charts; no secret, no plaintext", async () => {
    const file = join(dir, "load.html");
    // 50 req/s: a send is on time within 20 ms (one interval). A busy 2-core machine can still make a call late
    // (a KMS timeout); then the page must say FAIL with the reason the --json report gives.
    const run = await load(["--rate", "50", "--duration", "2", "--json", "--html", file]);
    const json = JSON.parse(run.stdout) as { verdict: string; steps: LoadStepJson[] };
    expect(run.code, run.stderr).toBe(json.verdict === "pass" ? 0 : 1);
    const verdict =
      json.verdict === "pass"
        ? /PASS\s*the proxy served 50 req\/s as KMS needs: p99 [\d.]+ ms within 250 ms, 0 of 100 calls failed/
        : new RegExp(`FAIL[\\s\\S]*${json.steps[0]!.reasons[0]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);
    const html = await expectGoodPage(file, "load", verdict);
    const [step] = json.steps;
    const all = step!.latency.all!;
    expect(html).toContain(cell("req/s served", `${step!.achievedRate} of 50`));
    expect(html).toContain(cell("sent on time", `${step!.sentOnTime} of ${step!.scheduled} (${((step!.sentOnTime / step!.scheduled) * 100).toFixed(1)}%)`));
    for (const [label, value] of [["p50 ms", all.p50Ms], ["p90 ms", all.p90Ms], ["p99 ms", all.p99Ms], ["p99.9 ms", all.p999Ms], ["max ms", all.maxMs]] as const) expect(html).toContain(cell(label, value));
    for (const [label, value] of [["ok", step!.kms.ok], ["KMS timeouts", step!.kms.kmsTimeouts], ["throttled (429)", step!.kms.throttles], ["connections opened", step!.connections.connectionsOpened], ["full TLS handshakes", step!.connections.tlsHandshakes]] as const) {
      expect(html).toContain(cell(label, value));
    }
    // Every operation's row of the latency table carries its --json count and p99.
    for (const [op, p] of Object.entries(step!.latency)) expect(html).toContain(`${cell("operation", op)}${cell("count", p.count)}${cell("p50 ms", p.p50Ms)}${cell("p90 ms", p.p90Ms)}${cell("p99 ms", p.p99Ms)}`);
    expect(html).toMatch(/<svg[^>]*aria-label="latency by percentile: 50 req\/s: p0 /);
    expect(html).toContain(`aria-label="50 req/s asked 50/s served ${step!.achievedRate.toFixed(1)}/s ${step!.verdict}"`);
    expect(html).toContain("250 ms budget");
  }, 60_000);

  it("--find-max below KMS's quota: the verdict first (every step passed, the rest untested; or the highest rate that passed and the advice), a bar per step", async () => {
    const file = join(dir, "load-find-max.html");
    const run = await load(["--find-max", "--from", "25", "--step", "25", "--to", "50", "--duration", "1", "--mix", "health=1", "--json", "--html", file]);
    // Whatever a busy machine lets pass, the page says what --json says; any rate here is below the quota.
    const json = JSON.parse(run.stdout) as { verdict: string; findMax: { highestPassedRate: number }; steps: LoadStepJson[] };
    expect(run.code, run.stdout + run.stderr).toBe(json.verdict === "pass" ? 0 : 1);
    const max = json.findMax.highestPassedRate;
    const verdict =
      json.verdict === "pass"
        ? /PASS\s*every step passed, up to 50 req\/s; rates above it were not tested, and KMS may send 1800 req\/s[\s\S]*--to 1800 or more/
        : new RegExp(`FAIL\\s*highest rate that passed: ${max} req/s, below the 1800 req/s KMS may send[\\s\\S]*add proxies behind the load balancer`);
    const html = await expectGoodPage(file, "load-find-max", verdict);
    expect(html.indexOf(json.verdict === "pass" ? "--to 1800 or more" : "add proxies behind the load balancer")).toBeLessThan(html.indexOf("<table"));
    const bars = json.steps.map((s) => `${s.rate} req/s asked ${s.rate}/s served ${s.achievedRate.toFixed(1)}/s ${s.verdict}`).join("; ");
    expect(html).toContain(`aria-label="${bars}"`);
  }, 60_000);

  it("Ctrl-C mid-step still writes the page, which says the run was stopped", async () => {
    const file = join(dir, "load-stopped.html");
    const before = requestsSeen();
    const args = [CLI, "load", ...checkTarget(), "--rate", "50", "--duration", "60", "--mix", "health=1", "--html", file];
    const child = spawn(process.execPath, args, { env: scrubbedEnv({ XKS_SECRET_ACCESS_KEY: cred.secretAccessKey }), cwd: ROOT, stdio: "ignore" });
    const closed = once(child, "close");
    // The 1 s warm-up sends 50; 25 more are half a second into the measured step.
    await vi.waitFor(() => expect(requestsSeen() - before).toBeGreaterThanOrEqual(75), { timeout: 20_000, interval: 50 });
    child.kill("SIGINT");
    const [code] = (await closed) as [number | null];
    // Stopped: exit 130, and the page says STOPPED with the time the step ran of the time planned.
    expect(code).toBe(130);
    expect(existsSync(file)).toBe(true);
    const html = await expectGoodPage(file, "load-stopped", /STOPPED\s*stopped after [\d.]+ s of the 60 s planned[\s\S]*stopped by Ctrl-C [\d.]+ s into the 60 s step at 50 req\/s/);
    expect(html).toMatch(/50 req\/s, stopped after [\d.]+ of 60 s/);
  }, 60_000);

  it("an --html path that cannot be written is bad usage (2) before any request", async () => {
    const before = requestsSeen();
    const run = await load(["--rate", "10", "--duration", "1", "--html", join(dir, "no-such-dir", "load.html")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--html .*no-such-dir.* does not exist/);
    expect(requestsSeen()).toBe(before);
  });
});
