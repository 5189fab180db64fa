/**
 * End-to-end tests of `xks-harness load` against the mock (real TLS on 127.0.0.1), at low rates and short
 * durations: a fixed rate passes with every answer verified and HDR histograms in the JSON; a wrong CDIV fails the
 * run; 429s count as throttles; --find-max stops at the rate an injected latency (over one connection) caps; and
 * bad usage or a non-loopback target without --yes exits 2 before any traffic.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeFromCompressedBase64 } from "hdr-histogram-js";
import { beforeAll, describe, expect, it } from "vitest";
import { addFault } from "./helpers/admin-faults.js";
import { runCli, type CliRun } from "./helpers/cli-process.js";
import { CLI, useLoadProxy } from "./helpers/load-proxy.js";

const { cred, proxy: loadProxy, load } = useLoadProxy("load test key seed");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "xks-load-cli-"));
});

interface StepJson {
  rate: number;
  verdict: string;
  reasons: string[];
  scheduled: number;
  sentOnTime: number;
  answered: number;
  latency: Record<string, { count: number; p99Ms: number; hdr: string }>;
  kms: { ok: number; kmsTimeouts: number; throttles: number; proxyErrors: { errorType: string; exceptionName: string; count: number }[] };
  connections: { connectionsOpened: number; tlsHandshakes: number };
}
const parse = (run: CliRun) => JSON.parse(run.stdout) as { verdict: string; findMax?: { highestPassedRate: number; advice?: string }; steps: StepJson[] };

describe("xks-harness load", () => {
  it("passes at a fixed rate with every answer verified, and reports HDR histograms per operation", async () => {
    const junit = join(dir, "load.xml");
    const run = await load(["--rate", "100", "--duration", "2", "--json", "--junit", junit]);
    expect(run.code, run.stderr).toBe(0);
    const report = parse(run);
    expect(report.verdict).toBe("pass");
    const [step] = report.steps;
    expect(step!.scheduled).toBe(200);
    expect(step!.answered).toBe(200);
    expect(step!.kms.ok).toBe(200);
    // The warm-up's connections carry the step; any the step opens add their handshakes, never more than one each.
    expect(step!.connections.tlsHandshakes).toBeLessThanOrEqual(step!.connections.connectionsOpened);
    expect(Object.keys(step!.latency)).toEqual(expect.arrayContaining(["all", "encrypt", "decrypt"]));
    const all = decodeFromCompressedBase64(step!.latency.all!.hdr, 32, false);
    expect(all.totalCount).toBe(200);
    expect(readFileSync(junit, "utf8")).toMatch(/<testcase classname="load" name="100 req\/s for 2 s"/);
    expect(run.stdout + run.stderr).not.toContain(cred.secretAccessKey);
  });

  it.each([
    { what: "decrypts give back a garbled plaintext (with 200)", mutation: "garbled-plaintext", mix: "decrypt=1" },
    { what: "encrypts carry a wrong CDIV", mutation: "wrong-cdiv", mix: "encrypt=1" },
    { what: "encrypts return a ciphertext one byte longer than the plaintext (with a CDIV that matches it)", mutation: "ciphertext-longer", mix: "encrypt=1" },
  ] as const)("fails a run whose $what, however fast they come", async ({ mutation, mix }) => {
    await addFault(loadProxy(), "ks", { type: "mutation", mutation });
    const run = await load(["--rate", "100", "--duration", "2", "--mix", mix, "--json"]);
    expect(run.code, run.stderr).toBe(1);
    const [step] = parse(run).steps;
    expect(step!.kms.proxyErrors).toEqual([{ errorType: "Non-retryable", exceptionName: "WrongAnswer", count: 200 }]);
    expect(step!.reasons.join(" ")).toContain("error rate");
  });

  it("counts 429 ThrottlingException answers as throttles, apart from proxy errors", async () => {
    await addFault(loadProxy(), "ks", { type: "error", errorName: "ThrottlingException", operation: "encrypt" });
    const run = await load(["--rate", "100", "--duration", "2", "--mix", "encrypt=3,health=1", "--json"]);
    expect(run.code, run.stderr).toBe(1);
    const [step] = parse(run).steps;
    expect(step!.kms.throttles).toBeGreaterThan(100);
    expect(step!.kms.throttles + step!.kms.ok).toBe(200);
    expect(step!.latency.health!.count).toBe(step!.kms.ok);
    expect(step!.kms.proxyErrors).toEqual([]);
  });

  it("--find-max stops at the rate an injected latency caps, and says what to do below KMS's quota", async () => {
    // 20 ms per answer over one connection serves about 45 req/s: 20 req/s passes, 60 req/s queues past the budget.
    await addFault(loadProxy(), "ks", { type: "latency", ms: 20 });
    const run = await load(["--find-max", "--from", "20", "--step", "40", "--to", "140", "--duration", "2", "--connections", "1", "--json"]);
    expect(run.code, run.stderr).toBe(1);
    const report = parse(run);
    expect(report.steps.map((s) => [s.rate, s.verdict])).toEqual([
      [20, "pass"],
      [60, "fail"],
    ]);
    expect(report.findMax!.highestPassedRate).toBe(20);
    expect(report.findMax!.advice).toMatch(/add proxies behind the load balancer/);
  });

  it("prints the plain advice in the table too", async () => {
    // Every health call fails: the only step fails, so nothing passed below KMS's quota.
    await addFault(loadProxy(), "ks", { type: "error", errorName: "InternalException", operation: "health" });
    const run = await load(["--find-max", "--from", "100", "--step", "100", "--to", "100", "--duration", "2", "--mix", "health=1"]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain("Highest rate that passed: 0 req/s");
    expect(run.stdout).toContain("ask AWS to lower the key store's request quota");
    expect(run.stdout).toMatch(/connections opened \d+, full TLS handshakes \d+/);
  });

  it.each([
    { name: "a bad --mix", args: ["--mix", "encrypt=x"], message: "--mix" },
    { name: "--rate with --find-max", args: ["--rate", "10", "--find-max"], message: "exclude each other" },
  ])("exits 2 on $name", async ({ args, message }) => {
    const run = await load([...args, "--duration", "1"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("refuses a non-loopback target without --yes when there is no terminal to confirm on", async () => {
    const run = await runCli(CLI, ["load", "--endpoint", "https://192.0.2.1", "--path", "/kms/xks/v1", "--access-key-id", cred.accessKeyId, "--key-id", "foo"], { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("needs --yes");
  });
});
