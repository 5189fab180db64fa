/**
 * `conformance` with settings that cannot work (wrong secret, wrong path, a port nobody listens on, a CA not
 * trusted, a proxy that accepts TCP and never answers): one setup failure with the cause and the fix, every case
 * skipped with that reason, within a few timeouts — not 80 failures, each after its own timeout.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConformance, SETUP_CASE_ID } from "../harness/conformance/run-conformance.js";
import { MOCK_IMAGE_CA_PATH } from "../harness/conformance/setup-check.js";
import { CONFORMANCE_SUITE } from "../harness/conformance/suite.js";
import type { ConformanceReport, ConformanceTarget } from "../harness/conformance/types.js";
import { randomXksCredential } from "../src/client/random-credential.js";
import { packageRoot } from "../src/package-root.js";
import { closedPort } from "./helpers/check-servers.js";
import { runCli } from "./helpers/cli-process.js";
import { conformanceTarget, MOCK_KEYS, useConformanceProxy } from "./helpers/conformance-proxy.js";
import { startSilentServer, type HostileServer } from "./helpers/hostile-servers.js";

const CLI = join(packageRoot(), "dist/harness/cli.js");
const TIMEOUT_MS = 1000;
const mock = useConformanceProxy();

/** A target at the mock with a short timeout and `over` applied to its settings or the target. */
function target(over: Omit<Partial<ConformanceTarget>, "settings"> & { settings?: Partial<ConformanceTarget["settings"]> } = {}): ConformanceTarget {
  const base = conformanceTarget(mock.proxy);
  const { settings, ...rest } = over;
  return { ...base, timeoutMs: TIMEOUT_MS, ...rest, settings: { ...base.settings, ...settings } };
}

/** Runs the suite and asserts the shape every setup failure has: one failure, the whole suite skipped with its reason. */
async function setupFailure(t: ConformanceTarget, summary: string): Promise<{ report: ConformanceReport; ms: number }> {
  const start = performance.now();
  const report = await runConformance(t);
  const ms = performance.now() - start;
  expect({ failed: report.failed, passed: report.passed, warned: report.warned, skipped: report.skipped, ok: report.ok }).toEqual({ failed: 1, passed: 0, warned: 0, skipped: CONFORMANCE_SUITE.length, ok: false });
  expect(report.results[0]).toMatchObject({ id: SETUP_CASE_ID, status: "fail", actual: report.setupError!.cause, fix: report.setupError!.fix });
  expect(report.setupError!.summary).toBe(summary);
  expect(new Set(report.results.slice(1).map((r) => `${r.status} ${r.actual}`))).toEqual(new Set([`skip skipped: the setup call failed (${summary})`]));
  // A few timeouts at most: the setup call's, and closing.
  expect(ms).toBeLessThan(3 * TIMEOUT_MS);
  return { report, ms };
}

describe("a setup error is reported once, with the cause and the fix", () => {
  it("wrong secret → 401 AuthenticationFailedException, check --access-key-id and the secret", async () => {
    const { report } = await setupFailure(target({ settings: { secretAccessKey: randomXksCredential().secretAccessKey } }), "wrong credential");
    expect(report.setupError).toMatchObject({ failure: "AuthenticationFailedException", cause: expect.stringMatching(/^wrong credential: the proxy answered HTTP 401 AuthenticationFailedException to a health call signed with access key id /) });
    expect(report.setupError!.fix).toMatch(/^check --access-key-id and its secret \(\$XKS_SECRET_ACCESS_KEY, --secret-file or --proxy-config\)/);
  });

  it("wrong path → 404 InvalidUriPathException, correct --path", async () => {
    const { report } = await setupFailure(target({ settings: { path: "/no/such/prefix/kms/xks/v1" } }), "wrong path");
    expect(report.setupError).toMatchObject({ failure: "InvalidUriPathException", cause: "wrong path: the proxy answered HTTP 404 InvalidUriPathException to /no/such/prefix/kms/xks/v1/health" });
  });

  it("a port nobody listens on → unreachable, start the proxy or correct --endpoint", async () => {
    const port = await closedPort();
    const { report } = await setupFailure(target({ settings: { endpoint: `https://localhost:${port}` } }), "unreachable");
    expect(report.setupError).toMatchObject({ failure: "TcpFailure", cause: `unreachable: nothing listens at https://localhost:${port} (ECONNREFUSED)`, fix: "start the proxy, or correct --endpoint (host and port)" });
  });

  it("a CA not trusted here → untrusted CA, pass it with --ca; from an image, with --image-ca-path", async () => {
    const { report } = await setupFailure(target({ extraCa: [] }), "untrusted CA");
    expect(report.setupError).toMatchObject({ failure: "TlsFailure", cause: expect.stringMatching(/^untrusted CA: the certificate of https:\/\/\S+ does not chain to a CA trusted here \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)$/) });
    expect(report.setupError!.fix).toBe("pass the CA that issued the proxy's certificate with --ca FILE");

    const fromImage = await setupFailure(target({ extraCa: [], image: { name: "xks-harness/xks-mock:local" } }), "untrusted CA");
    expect(fromImage.report.setupError!.fix).toBe(`pass --image-ca-path PATH to trust the CA the container holds (the bundled xks-mock image: --image-ca-path ${MOCK_IMAGE_CA_PATH}), or --ca FILE`);
  });

  describe("a hung proxy (accepts TCP, never answers)", () => {
    let silent: HostileServer;
    beforeAll(async () => {
      silent = await startSilentServer();
    });
    afterAll(async () => {
      await silent.stop();
    });

    it("→ no answer within --timeout-ms, in about one timeout", async () => {
      const { report, ms } = await setupFailure(target({ settings: { endpoint: `https://localhost:${silent.port}` } }), "no answer");
      expect(report.setupError).toMatchObject({ failure: "Timeout", cause: expect.stringMatching(new RegExp(`^no answer from https://localhost:${silent.port} within ${TIMEOUT_MS} ms \\(`)) });
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(silent.calls).toBeGreaterThan(0);
    });
  });
});

describe("the built CLI with a setup error", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "xks-conformance-setup-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints the one failure with its fix, one line for the skipped cases, and a consistent summary, JSON and JUnit", async () => {
    const credential = mock.proxy.config().keystores[0]!.credentials[0]!;
    const url = new URL(mock.proxy.baseUrl());
    // No --ca: the mock's dev CA is not trusted.
    const args = ["conformance", "--endpoint", url.origin, "--path", url.pathname, "--access-key-id", credential.accessKeyId, "--key-id", MOCK_KEYS.keyId, "--timeout-ms", String(TIMEOUT_MS), "--no-color"];
    const env = { XKS_SECRET_ACCESS_KEY: credential.secretAccessKey };
    const junit = join(dir, "setup.xml");

    const human = await runCli(CLI, [...args, "--junit", junit], env);
    expect(human.code, human.stderr).toBe(1);
    const lines = human.stdout.trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("FAIL "))).toEqual([expect.stringMatching(/^FAIL {2}MUST {4}setup {2}Health call with the given settings/)]);
    expect(lines).toContain("                fix:      pass the CA that issued the proxy's certificate with --ca FILE");
    expect(lines).toContain(`SKIP  ${CONFORMANCE_SUITE.length} cases  skipped: the setup call failed (untrusted CA); --verbose lists them`);
    expect(lines.at(-1)).toBe(`0 passed, 1 failed, ${CONFORMANCE_SUITE.length} skipped`);
    const xml = readFileSync(junit, "utf8");
    expect(xml).toContain(`tests="${CONFORMANCE_SUITE.length + 1}" failures="1" errors="0" skipped="${CONFORMANCE_SUITE.length}"`);
    expect(xml).toMatch(/<failure message="expected an answer to a health call signed with these settings; got untrusted CA: .*; fix: pass the CA/);

    const json = await runCli(CLI, [...args, "--json"], env);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { ok: boolean; summary: Record<string, number>; setupError: { failure: string; cause: string; fix: string }; cases: { id: string; status: string }[] };
    expect(report.ok).toBe(false);
    expect(report.summary).toEqual({ passed: 0, warned: 0, failed: 1, skipped: CONFORMANCE_SUITE.length });
    expect(report.setupError).toMatchObject({ failure: "TlsFailure", cause: expect.stringMatching(/^untrusted CA: /), fix: "pass the CA that issued the proxy's certificate with --ca FILE" });
    expect(report.cases.map((c) => c.id)).toEqual([SETUP_CASE_ID, ...CONFORMANCE_SUITE.map((c) => c.id)]);
  });

  it("exits 2 for --image-ca-path without --image, before any request", async () => {
    const r = await runCli(CLI, ["conformance", "--endpoint", "https://localhost:1", "--access-key-id", "BETWEEN2TENAND3TENCHARACTERS", "--key-id", "foo", "--image-ca-path", "/app/certs/ca.pem"], { XKS_SECRET_ACCESS_KEY: randomXksCredential().secretAccessKey });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("--image-ca-path goes with --image (with --endpoint, give the CA with --ca)");
    expect(r.stdout).toBe("");
  });
});
