/**
 * End to end through the built CLI (`node dist/harness/cli.js check|snapshot`) against real mocks: exit codes 0/1/2,
 * the --json document of docs/check-report.md, the --junit file, no network traffic on bad input, and the secret
 * (given in XKS_SECRET_ACCESS_KEY) never in stdout, stderr, the JSON, the JUnit file or a snapshot, --verbose too.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHECK_IDS } from "../harness/check/types.js";
import { packageRoot } from "../src/package-root.js";
import type { XksCredential } from "../src/xks/sigv4/sign.js";
import { proxySettings } from "./helpers/check-options.js";
import { runCli, type CliRun } from "./helpers/cli-process.js";
import { startCheckProxy, type CheckProxy } from "./helpers/check-proxy.js";
import { startCountingServer, type CountingServer } from "./helpers/check-servers.js";
import { pkiPath, testConfig } from "./helpers/proxy-fixture.js";
import { randomXksCredential } from "../src/client/random-credential.js";

const ROOT = packageRoot();
const CLI = join(ROOT, "dist", "harness", "cli.js");

/** Runs the CLI with the secret (when given) in XKS_SECRET_ACCESS_KEY. */
const cli = (args: string[], secret: string | undefined): Promise<CliRun> => runCli(CLI, args, secret === undefined ? {} : { XKS_SECRET_ACCESS_KEY: secret });

function keystore(credential: XksCredential, keySeed: string) {
  return testConfig({ keystores: [{ name: "ks", pathPrefix: "/cli/check", credentials: [credential], keySeed, keys: [{ id: "foo" }] }] });
}

const credA = randomXksCredential();
const credB = randomXksCredential();
let a: CheckProxy, b: CheckProxy;
let dir: string;
let caFile: string;
/** `xks-harness snapshot` of mock A, taken once for the runs below. */
let snapshotFile: string;
let snapshotRun: CliRun;

/** --endpoint/--path/--access-key-id of a mock, plus --dev and the dev CA. */
function target(proxy: CheckProxy, credential: XksCredential): string[] {
  const s = proxySettings(proxy, { credential });
  return ["--endpoint", s.endpoint, "--path", s.path, "--access-key-id", s.accessKeyId, "--ca", caFile, "--dev"];
}

function expectNoSecret(texts: Record<string, string>, ...secrets: string[]): void {
  for (const [where, text] of Object.entries(texts)) {
    for (const secret of secrets) expect(text.includes(secret), `secret found in ${where}`).toBe(false);
  }
}

beforeAll(async () => {
  caFile = pkiPath("caCert");
  dir = mkdtempSync(join(tmpdir(), "xks-check-cli-"));
  // Same keySeed: B holds A's key material (other material is test/check-continuity.test.ts's subject).
  [a, b] = await Promise.all([startCheckProxy(keystore(credA, "cli seed: same material")), startCheckProxy(keystore(credB, "cli seed: same material"))]);
  snapshotFile = join(dir, "probes.json");
  snapshotRun = await cli(["snapshot", ...target(a, credA), "--key-id", "foo", "--out", snapshotFile], credA.secretAccessKey);
}, 60_000);
afterAll(async () => {
  await Promise.all([a, b].filter(Boolean).map((p) => p.stop()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type JsonReport = {
  verdict: string;
  predictedException: string | null;
  predictedConnectionErrorCode: string | null;
  target: Record<string, unknown>;
  checks: ({ id: string; status: string; detail: string; fix: string | null } & Record<string, unknown>)[];
  timings: Record<string, unknown>;
} & Record<string, unknown>;

// Runs whose verdict must be pass go one at a time: the latency check measures wall time, which parallel CLI
// start-ups on a small machine would distort.
describe("passing runs", () => {
  it("snapshot --out writes probes for the keys and no secret", () => {
    expect(snapshotRun.code, snapshotRun.stderr).toBe(0);
    expect(snapshotRun.stdout).toBe(`wrote 1 probe(s) for foo to ${snapshotFile}\n`);
    const text = readFileSync(snapshotFile, "utf8");
    expect(JSON.parse(text)).toMatchObject({ schemaVersion: 1, accessKeyId: credA.accessKeyId, probes: [{ keyId: "foo" }] });
    expectNoSecret({ snapshot: text, stdout: snapshotRun.stdout, stderr: snapshotRun.stderr }, credA.secretAccessKey);
  });

  it("check --snapshot on a proxy with the same key material: exit 0, the documented --json, one JUnit testcase per check, no secret (--verbose too)", async () => {
    const junit = join(dir, "healthy.xml");
    const html = join(dir, "healthy.html");
    const run = await cli(["check", ...target(b, credB), "--key-id", "foo", "--snapshot", snapshotFile, "--json", "--junit", junit, "--html", html, "--verbose"], credB.secretAccessKey);
    expect(run.code, run.stdout || run.stderr).toBe(0);
    // Where the report files went, on stderr: stdout is the JSON document alone.
    expect(run.stderr).toBe(`wrote JUnit report: ${junit}\nwrote HTML report: ${html}\n`);

    const doc = JSON.parse(run.stdout) as JsonReport;
    // --verbose adds the documented "verbose" lines (canonical request, string to sign).
    expect(Object.keys(doc).sort()).toEqual(["checks", "notes", "predictedConnectionErrorCode", "predictedException", "schemaVersion", "target", "timings", "tool", "verbose", "verdict", "vpcEndpointService"]);
    expect(doc).toMatchObject({ schemaVersion: 1, tool: "xks-harness check", verdict: "pass", predictedException: null, predictedConnectionErrorCode: null });
    const s = proxySettings(b);
    expect(doc.target).toEqual({ endpoint: s.endpoint, path: s.path, accessKeyId: credB.accessKeyId, region: "us-east-1", connectivity: "PUBLIC_ENDPOINT", keyIds: ["foo"] });
    expect(doc.checks.map((x) => x.id)).toEqual([...CHECK_IDS]);
    for (const check of doc.checks) {
      expect(Object.keys(check).sort()).toEqual(["detail", "fix", "id", "ms", "status", "title"]);
      expect(check).toMatchObject({ title: expect.any(String), detail: expect.any(String), ms: expect.any(Number) });
      expect(["pass", "warn", "fail", "skip"]).toContain(check.status);
      if (check.status === "warn" || check.status === "fail") expect(check.fix, check.id).toEqual(expect.any(String));
      else if (check.status === "pass") expect(check.fix, check.id).toBeNull();
    }
    expect(Object.fromEntries(doc.checks.map((x) => [x.id, x.status]))).toMatchObject({ input: "warn", tls: "warn", auth: "pass", "rejects-bad-signature": "pass", keys: "pass", continuity: "pass" });
    expect(doc.checks.find((x) => x.id === "continuity")?.detail).toMatch(/^foo snapshot of .*: ok$/);
    expect(Object.keys(doc.timings).sort()).toEqual(["authMs", "dnsMs", "latencyMaxMs", "latencyP50Ms", "tcpMs", "tlsMs", "totalMs"]);
    for (const v of Object.values(doc.timings)) expect(v).toEqual(expect.any(Number));

    const xml = readFileSync(junit, "utf8");
    const names = [...xml.matchAll(/<testcase classname="xks-harness\.check" name="([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual([...CHECK_IDS]);
    expect(readFileSync(html, "utf8")).toMatch(/^<!doctype html>/i);
    expect(xml).toMatch(/<testsuite name="xks-harness check" tests="11" failures="0" errors="0" skipped="1"/);

    expectNoSecret({ stdout: run.stdout, stderr: run.stderr, junit: xml }, credB.secretAccessKey, credA.secretAccessKey);
  });

  it("--verbose prints the canonical request and the string to sign, never the secret", async () => {
    const junit = join(dir, "verbose.xml");
    const run = await cli(["check", ...target(a, credA), "--verbose", "--no-color", "--junit", junit], credA.secretAccessKey);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/canonical request:\nPOST\n\/cli\/check\/kms\/xks\/v1\/health\n\nhost:localhost:\d+\nx-amz-date:\d{8}T\d{6}Z\n\nhost;x-amz-date\n[0-9a-f]{64}/);
    expect(run.stdout).toMatch(/string to sign:\nAWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/us-east-1\/kms-xks-proxy\/aws4_request\n[0-9a-f]{64}/);
    expect(run.stdout).toMatch(/verdict: PASS/);
    expectNoSecret({ stdout: run.stdout, stderr: run.stderr, junit: readFileSync(junit, "utf8") }, credA.secretAccessKey);
  });

  // The README's rotation step exports XKS_CURRENT_SECRET_ACCESS_KEY; alone, it must switch nothing on.
  it("XKS_CURRENT_SECRET_ACCESS_KEY without --current-access-key-id: check runs without continuity, says it was not proven, and notes the unused variable", async () => {
    const env = { XKS_SECRET_ACCESS_KEY: credA.secretAccessKey, XKS_CURRENT_SECRET_ACCESS_KEY: credB.secretAccessKey };
    const run = await runCli(CLI, ["check", ...target(a, credA), "--key-id", "foo", "--no-color"], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^SKIP {2}continuity .*skipped: no current settings/m);
    // In the verdict lines: continuity not proven, and how to prove it.
    expect(run.stdout).toMatch(/verdict: PASS.*\n {2}key continuity NOT proven: .*--current-access-key-id.*--snapshot/);
    expect(run.stderr).toBe("xks-harness check: note: XKS_CURRENT_SECRET_ACCESS_KEY is set but not used: continuity with the current settings needs --current-access-key-id (or use --snapshot)\n");
    expectNoSecret({ stdout: run.stdout, stderr: run.stderr }, credA.secretAccessKey, credB.secretAccessKey);
  });

  it("XKS_CURRENT_SECRET_ACCESS_KEY set: snapshot still works with the given settings, and notes that it does not use it", async () => {
    const out = join(dir, "probes-env.json");
    const env = { XKS_SECRET_ACCESS_KEY: credA.secretAccessKey, XKS_CURRENT_SECRET_ACCESS_KEY: credB.secretAccessKey };
    const run = await runCli(CLI, ["snapshot", ...target(a, credA), "--key-id", "foo", "--out", out], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toBe(`wrote 1 probe(s) for foo to ${out}\n`);
    expect(run.stderr).toMatch(/^xks-harness snapshot: note: XKS_CURRENT_SECRET_ACCESS_KEY is set but snapshot does not use it/);
    expect(JSON.parse(readFileSync(out, "utf8"))).toMatchObject({ accessKeyId: credA.accessKeyId, probes: [{ keyId: "foo" }] });
  });
});

// Runs that fail before or regardless of the latency check: concurrent, so the CLI start-ups overlap.
describe.concurrent("failing runs", () => {
  it("wrong secret: exit 1, the predicted exception in the JSON and JUnit, neither secret anywhere", async () => {
    const wrong = randomXksCredential().secretAccessKey;
    const junit = join(dir, "wrong.xml");
    const run = await cli(["check", ...target(a, credA), "--json", "--verbose", "--junit", junit], wrong);
    expect(run.code, run.stdout).toBe(1);
    const doc = JSON.parse(run.stdout) as JsonReport;
    expect(doc).toMatchObject({ verdict: "fail", predictedException: "XksProxyIncorrectAuthenticationCredentialException", predictedConnectionErrorCode: "INVALID_CREDENTIALS" });
    expect(doc.checks.find((x) => x.id === "auth")).toMatchObject({ status: "fail", fix: expect.stringMatching(/access key id and secret/) });
    const xml = readFileSync(junit, "utf8");
    expect(xml).toMatch(/<testcase classname="xks-harness\.check" name="auth" time="[\d.]+"><failure message="HTTP 401 AuthenticationFailedException Fix: /);
    expectNoSecret({ stdout: run.stdout, stderr: run.stderr, junit: xml }, wrong, credA.secretAccessKey);
  });

  it("the human table of a failing run names the exception, the ConnectionErrorCode and the fix", async () => {
    const run = await cli(["check", ...target(a, credA), "--no-color"], randomXksCredential().secretAccessKey);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL {2}auth /m);
    expect(run.stdout).toMatch(/verdict: FAIL/);
    expect(run.stdout).toContain("UpdateCustomKeyStore would raise: XksProxyIncorrectAuthenticationCredentialException");
    expect(run.stdout).toContain("ConnectionErrorCode: INVALID_CREDENTIALS");
    expect(run.stdout).toMatch(/fix auth: /);
  });

  it("without --dev a local endpoint breaks KMS's input rules: exit 2, everything else skipped", async () => {
    const run = await cli(["check", ...target(a, credA).filter((x) => x !== "--dev"), "--json"], credA.secretAccessKey);
    expect(run.code).toBe(2);
    const doc = JSON.parse(run.stdout) as JsonReport;
    expect(doc).toMatchObject({ verdict: "fail", predictedException: "ValidationException" });
    expect(doc.checks[0]).toMatchObject({ id: "input", status: "fail", detail: expect.stringMatching(/XksProxyUriEndpoint has port/) });
    expect(doc.checks.slice(1).map((x) => x.status)).toEqual(Array(10).fill("skip"));
  });

  it("no secret given: exit 2 and a message naming XKS_SECRET_ACCESS_KEY", async () => {
    const run = await cli(["check", ...target(a, credA)], undefined);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^xks-harness: missing .*XKS_SECRET_ACCESS_KEY/);
  });

});

describe("bad input sends no network traffic", () => {
  let counter: CountingServer;
  let notJson: string;
  beforeAll(async () => {
    counter = await startCountingServer();
    notJson = join(dir, "not-json.txt");
    writeFileSync(notJson, "this is not JSON, nor a certificate\n");
  });
  afterAll(async () => {
    await counter?.stop();
  });

  const args = (accessKeyId: string) => ["check", "--endpoint", `https://127.0.0.1:${counter.port}`, "--path", "/kms/xks/v1", "--access-key-id", accessKeyId, "--ca", caFile, "--dev", "--timeout-ms", "1000", "--json"];

  it("an invalid access key id: exit 2, no connection made", async () => {
    const before = await counter.settledCount();
    const run = await cli(args("lowercase-is-not-allowed"), credA.secretAccessKey);
    expect(run.code).toBe(2);
    expect(await counter.settledCount()).toBe(before);
  });

  // Output files are checked with the other usage before the first packet, not after the checks ran.
  it.each([
    ["check --junit into a missing directory", () => [...args(credA.accessKeyId), "--junit", join(dir, "missing", "x.xml")], /^xks-harness: --junit .*missing\/x\.xml: the directory .*missing does not exist/],
    ["check --junit naming a directory", () => [...args(credA.accessKeyId), "--junit", dir], /^xks-harness: --junit .* is a directory/],
    ["snapshot --out into a missing directory", () => ["snapshot", ...args(credA.accessKeyId).slice(1, -1), "--key-id", "foo", "--out", join(dir, "missing", "p.json")], /^xks-harness: --out .*missing\/p\.json: the directory .*missing does not exist/],
    ["snapshot --out naming a directory", () => ["snapshot", ...args(credA.accessKeyId).slice(1, -1), "--key-id", "foo", "--out", dir], /^xks-harness: --out .* is a directory/],
    ["check --snapshot with a missing file", () => [...args(credA.accessKeyId), "--snapshot", join(dir, "no-such-snapshot.json")], /^xks-harness: cannot read --snapshot .*no-such-snapshot\.json: no such file\. Fix: check the path/],
    ["check --ca with a missing file", () => args(credA.accessKeyId).map((x) => (x === caFile ? join(dir, "nope.pem") : x)), /^xks-harness: cannot read --ca .*nope\.pem: no such file\. Fix: check the path \(a relative path is read from \/.*\)\n$/],
    ["check --snapshot with a file that is not JSON", () => [...args(credA.accessKeyId), "--snapshot", notJson], /^xks-harness: --snapshot .*not-json\.txt is not JSON/],
    ["check --ca with a file that holds no certificate", () => args(credA.accessKeyId).map((x) => (x === caFile ? notJson : x)), /^xks-harness: --ca .*not-json\.txt holds no PEM certificate/],
  ])("%s: exit 2 naming the flag, no connection made", async (_name, argv, message) => {
    const before = await counter.settledCount();
    const run = await cli(argv(), credA.secretAccessKey);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
    expect(await counter.settledCount()).toBe(before);
  });

  it("control: the same run with valid input does connect (exit 1: nothing speaks TLS there)", async () => {
    const before = await counter.settledCount();
    const run = await cli(args(credA.accessKeyId), credA.secretAccessKey);
    expect(run.code).toBe(1);
    expect(await counter.settledCount()).toBeGreaterThan(before);
  });
});
