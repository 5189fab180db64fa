/**
 * The built CLI, `node dist/harness/cli.js conformance`, against the real mock in this process (TLS on an ephemeral
 * port, the run's dev CA as --ca): exit codes 0/1/2, the human table and its last line, --json, --junit, and the
 * secret kept out of every output.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CONFORMANCE_SUITE } from "../harness/conformance/suite.js";
import { conformanceConfig, MOCK_KEYS, startConformanceProxy, type ConformanceProxy } from "./helpers/conformance-proxy.js";
import { pkiPath } from "./helpers/proxy-fixture.js";
import { addFault, clearFaults } from "./helpers/admin-faults.js";
import { randomXksCredential } from "../src/client/random-credential.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist/harness/cli.js");
const MTLS_CASES = CONFORMANCE_SUITE.filter((c) => c.needs?.includes("mtls")).length;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking this process's event loop: the proxy it talks to lives here. */
function cli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("XKS_") && k !== "NO_COLOR" && k !== "FORCE_COLOR"));
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A secret that exists only in this file's proxy and in the child's environment. */
const main = randomXksCredential();
const second = randomXksCredential();
const SECRET_ENV = { XKS_SECRET_ACCESS_KEY: main.secretAccessKey, XKS_SECOND_SECRET_ACCESS_KEY: second.secretAccessKey };
/** Every output of every CLI run, for the leak check at the end. */
const outputs: string[] = [];

/** Each run is checked as it happens too, so a filtered run (-t) still checks what it ran. */
function record(...texts: string[]): void {
  for (const text of texts) {
    outputs.push(text);
    expect(text.includes(main.secretAccessKey) || text.includes(second.secretAccessKey), "an output holds a secret").toBe(false);
  }
}
let proxy: ConformanceProxy;
let dir: string;

function keyFlags(): string[] {
  return [
    "--encrypt-only-key-id",
    MOCK_KEYS.encryptOnlyKeyId,
    "--decrypt-only-key-id",
    MOCK_KEYS.decryptOnlyKeyId,
    "--impotent-key-id",
    MOCK_KEYS.impotentKeyId,
    "--disabled-key-id",
    MOCK_KEYS.disabledKeyId,
    "--second-access-key-id",
    second.accessKeyId,
  ];
}

/** `conformance` aimed at the proxy with the main key and `extra` flags; the timeout is generous for a busy machine. */
async function conformance(extra: string[], env: Record<string, string> = SECRET_ENV, o: { keyId?: string[] } = {}): Promise<CliResult> {
  const url = new URL(proxy.baseUrl());
  const keyIds = (o.keyId ?? [MOCK_KEYS.keyId]).flatMap((k) => ["--key-id", k]);
  const args = ["conformance", "--endpoint", url.origin, "--path", url.pathname, "--access-key-id", main.accessKeyId, "--ca", pkiPath("caCert"), ...keyIds, "--timeout-ms", "10000", "--no-color", ...extra];
  const r = await cli(args, env);
  record(r.stdout, r.stderr);
  return r;
}

function writeTemp(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const lastLine = (text: string) => text.trimEnd().split("\n").at(-1)!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "xks-conformance-cli-"));
  proxy = await startConformanceProxy(conformanceConfig([main, second]));
}, 120_000);
afterAll(async () => {
  await proxy?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await clearFaults(proxy);
});

describe("xks-harness conformance (built CLI)", () => {
  it("exits 0 against the mock; the last line is the N passed, 0 failed, N skipped summary", async () => {
    const r = await conformance(keyFlags());
    expect(r.stderr).toBe("");
    expect(r.code, r.stdout).toBe(0);
    const last = lastLine(r.stdout);
    expect(last).toMatch(/^\d+ passed, 0 failed, \d+ skipped$/);
    expect(last).toBe(`${CONFORMANCE_SUITE.length - MTLS_CASES} passed, 0 failed, ${MTLS_CASES} skipped`);
    expect(r.stdout).toMatch(/^xks-harness conformance {2}https:\/\/127\.0\.0\.1:\d+\/example\/uri\/path\/prefix\/kms\/xks\/v1 {2}\(key foo\)\n/);
    expect(r.stdout).toMatch(/^PASS {2}MUST {4}tc-1 +GetHealthStatus$/m);
    expect(r.stdout).toMatch(/^SKIP {2}MUST {4}mtls-accepted +The configured client certificate is accepted$/m);
    expect(r.stdout).toMatch(/conformance: no MUST case failed/);
    // One table line per case, and no expected/actual lines for passing cases.
    expect(r.stdout.split("\n").filter((l) => /^(PASS|FAIL|WARN|SKIP) {2}/.test(l))).toHaveLength(CONFORMANCE_SUITE.length);
    expect(r.stdout).not.toMatch(/expected: /);
  });

  it("exits 1 with a mutation; the failing cases are in the table with expected and actual; --junit writes one testcase per case", async () => {
    await addFault(proxy, "default", { type: "mutation", mutation: "key-spec-rsa" });
    const junit = join(dir, "key-spec-rsa.xml");
    const r = await conformance([...keyFlags(), "--junit", junit]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const lines = r.stdout.split("\n");
    for (const id of ["tc-7", "tc-8"]) {
      const at = lines.findIndex((l) => new RegExp(`^FAIL {2}MUST {4}${id} `).test(l));
      expect(at, `${id} line in\n${r.stdout}`).toBeGreaterThanOrEqual(0);
      expect(lines[at + 1]).toMatch(/^ {16}GetKeyMetadata; TC #\d$/);
      expect(lines[at + 2]).toBe(" ".repeat(16) + "expected: 200, keySpec AES_256, keyUsage with ENCRYPT and DECRYPT, keyStatus ENABLED");
      expect(lines[at + 3]).toMatch(/^ {16}actual: {3}HTTP 200 \{"keySpec":"RSA_0",/);
    }
    expect(lines.filter((l) => l.startsWith("FAIL "))).toHaveLength(2);
    expect(r.stdout).toContain("conformance: 2 MUST/PARITY case(s) failed");
    expect(lastLine(r.stdout)).toBe(`${CONFORMANCE_SUITE.length - MTLS_CASES - 2} passed, 2 failed, ${MTLS_CASES} skipped`);

    const xml = readFileSync(junit, "utf8");
    record(xml);
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    const testcases = [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)" time="[\d.]+">([\s\S]*?)<\/testcase>/g)];
    expect(testcases).toHaveLength(CONFORMANCE_SUITE.length);
    expect(testcases.map((m) => m[2]!.split(":")[0])).toEqual(CONFORMANCE_SUITE.map((c) => c.id));
    const failing = testcases.filter((m) => m[3]!.startsWith("<failure"));
    expect(failing.map((m) => m[2])).toEqual(["tc-7: GetKeyMetadata for DescribeKey", "tc-8: GetKeyMetadata for CreateKey"]);
    expect(failing[0]![1]).toBe("xks-harness.conformance.MUST");
    expect(failing[0]![3]).toContain("expected 200, keySpec AES_256");
    expect(failing[0]![3]).toContain("&quot;keySpec&quot;:&quot;RSA_0&quot;");
    expect(testcases.filter((m) => m[3]!.startsWith("<skipped"))).toHaveLength(MTLS_CASES);
    expect(xml).toMatch(new RegExp(`<testsuite name="xks-harness conformance" tests="${CONFORMANCE_SUITE.length}" failures="2" errors="0" skipped="${MTLS_CASES}"`));
  });

  it("--json: ok, summary and every case with id, title, section, level, status, expected, actual and ms", async () => {
    await addFault(proxy, "default", { type: "mutation", mutation: "get-200" });
    const r = await conformance(["--json", ...keyFlags()]);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      summary: Record<string, number>;
      target: Record<string, unknown>;
      cases: Record<string, unknown>[];
    };
    expect(report.ok).toBe(false);
    expect(report.summary).toEqual({ passed: CONFORMANCE_SUITE.length - MTLS_CASES - 4, warned: 0, failed: 4, skipped: MTLS_CASES });
    expect(report.target).toMatchObject({ accessKeyId: main.accessKeyId, keyId: "foo", region: "us-east-1" });
    expect(report.cases.map((c) => c.id)).toEqual(CONFORMANCE_SUITE.map((c) => c.id));
    for (const c of report.cases) {
      expect(Object.keys(c).sort()).toEqual(["actual", "expected", "id", "level", "ms", "section", "status", "title"]);
      expect(c).toMatchObject({ id: expect.any(String), title: expect.any(String), section: expect.any(String), expected: expect.any(String), actual: expect.any(String), ms: expect.any(Number) });
      expect(["MUST", "SHOULD", "PARITY"]).toContain(c.level);
      expect(["pass", "fail", "warn", "skip"]).toContain(c.status);
    }
    const failed = report.cases.filter((c) => c.status === "fail");
    expect(failed.map((c) => c.id)).toEqual(["http-get-health", "http-get-metadata", "http-get-encrypt", "http-get-decrypt"]);
    expect(failed[0]).toMatchObject({ level: "MUST", expected: "405 Method Not Allowed", actual: 'HTTP 200 {"status":"ok"}' });
  });

  it("--verbose shows expected and actual for every case, passing ones included", async () => {
    const r = await conformance(["--verbose", ...keyFlags()]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.split("\n").filter((l) => /^ {16}expected: /.test(l))).toHaveLength(CONFORMANCE_SUITE.length);
    expect(r.stdout).toMatch(/^PASS {2}MUST {4}tc-30 .*\n {16}.*\n {16}expected: 200, a valid ciphertext\n {16}actual: {3}\d+ B ciphertext, 12 B IV, 16 B tag, CDIV verified$/m);
  });

  it.each([
    { name: "no --key-id", keyId: [] as string[], stderr: /give exactly one --key-id/ },
    { name: "two --key-id", keyId: ["foo", "encrypt_only_key"], stderr: /give exactly one --key-id/ },
  ])("exits 2 with $name, before any request", async ({ keyId, stderr }) => {
    const before = proxy.logs.lines.length;
    const r = await conformance([], SECRET_ENV, { keyId });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(stderr);
    expect(r.stdout).toBe("");
    expect(proxy.logs.lines.length).toBe(before);
  });

  it("exits 2 without a secret (no XKS_SECRET_ACCESS_KEY, --secret-file or --proxy-config)", async () => {
    const r = await conformance([], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^xks-harness: missing the secret \(XKS_SECRET_ACCESS_KEY, --secret-file or --proxy-config\)\n$/);
    expect(r.stdout).toBe("");
  });

  it("exits 2 for --second-access-key-id without its secret, and for an endpoint that is not https", async () => {
    const noSecond = await conformance(keyFlags(), { XKS_SECRET_ACCESS_KEY: main.secretAccessKey });
    expect(noSecond.code).toBe(2);
    expect(noSecond.stderr).toMatch(/--second-access-key-id needs its secret in XKS_SECOND_SECRET_ACCESS_KEY/);
    const http = await cli(["conformance", "--endpoint", `http://127.0.0.1:${proxy.port}`, "--path", "/kms/xks/v1", "--access-key-id", main.accessKeyId, "--key-id", "foo"], SECRET_ENV);
    record(http.stdout, http.stderr);
    expect(http.code).toBe(2);
    expect(http.stderr).toMatch(/is not an https:\/\/ URL/);
  });

  it.each([
    ["--junit into a missing directory", () => ["--junit", join(dir, "missing", "x.xml")], /^xks-harness: --junit .*the directory .* does not exist/],
    ["--ca with no PEM certificate", () => ["--ca", writeTemp("not-a-cert.pem", "hello")], /^xks-harness: --ca .* holds no PEM certificate/],
    ["--image-ca-path without --image", () => ["--image-ca-path", "/app/certs/ca.pem"], /^xks-harness: --image-ca-path goes with --image/],
  ])("%s: exit 2 naming the flag, before any request reaches the proxy", async (_name, extra, stderr) => {
    const before = proxy.logs.lines.length;
    const r = await conformance(extra());
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(stderr);
    expect(r.stdout).toBe("");
    expect(proxy.logs.lines.length).toBe(before);
  });

  // Last in the file: it scans what every run above wrote.
  it("never prints either secret: stdout, stderr and the JUnit file of every run", () => {
    expect(outputs.length).toBeGreaterThan(0);
    for (const [i, text] of outputs.entries()) {
      expect(text.includes(main.secretAccessKey), `output ${i} holds the secret`).toBe(false);
      expect(text.includes(second.secretAccessKey), `output ${i} holds the second secret`).toBe(false);
    }
  });
});
