/**
 * `--html FILE` of check, conformance and update, through the built CLI against real mocks and the local KMS, each
 * page opened in headless Chromium (Debian's `chromium`): no console error (a CSP violation is one), no network
 * request but the file itself, the verdict on the page, the secret nowhere in the file. Screenshots (desktop and
 * phone width) are kept in test-artifacts/ (gitignored) and their paths printed.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { KMSClient } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { esc, HTML_CSP } from "../harness/report/html.js";
import type { StartedLocalKms } from "../src/kms/index.js";
import { packageRoot } from "../src/package-root.js";
import { randomXksCredential } from "../src/client/random-credential.js";
import { runCli } from "./helpers/cli-process.js";
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
});
