/**
 * `xks-harness load --workers N` end to end against the mock (real TLS on 127.0.0.1): two worker threads send one
 * even schedule between them (the mock sees exactly the requests of the schedule, none twice), the main thread
 * merges their HDR histograms and counters into the same report, a wrong answer found by either thread fails the
 * run, and a --workers or --connections that cannot work is bad usage before any traffic.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeFromCompressedBase64 } from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import { addFault } from "./helpers/admin-faults.js";
import type { CliRun } from "./helpers/cli-process.js";
import { useLoadProxy } from "./helpers/load-proxy.js";

const { proxy: loadProxy, load } = useLoadProxy("load workers key seed");

interface Hist {
  count: number;
  hdr: string;
}
interface Report {
  verdict: string;
  stopped: boolean;
  workers: number;
  steps: {
    verdict: string;
    reasons: string[];
    scheduled: number;
    sent: number;
    sentOnTime: number;
    answered: number;
    achievedRate: number;
    latency: Record<string, Hist>;
    sendLag: Hist;
    kms: { ok: number; kmsTimeouts: number; proxyErrors: { errorType: string; exceptionName: string; count: number }[] };
    connections: { connectionsOpened: number; tlsHandshakes: number };
  }[];
}
const parse = (run: CliRun) => JSON.parse(run.stdout) as Report;
const hdrCount = (h: Hist) => decodeFromCompressedBase64(h.hdr, 32, false).totalCount;
const served = () => loadProxy().logs.answered();

describe("xks-harness load --workers", () => {
  it("two threads send the rate × duration between them, once each, and their histograms merge to the request count", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xks-load-workers-"));
    const before = served();
    // What is merged is under test here, not the verdict: a busy 2-core machine may make a few calls late (KMS
    // timeouts), so the exit code is held to whatever verdict the report gives.
    const run = await load(["--rate", "50", "--duration", "4", "--workers", "2", "--connections", "4", "--json", "--junit", join(dir, "load.xml")]);
    const report = parse(run);
    expect(run.code, run.stderr).toBe(report.verdict === "pass" ? 0 : 1);
    expect(report).toMatchObject({ stopped: false, workers: 2 });
    const [step] = report.steps;
    expect(step!).toMatchObject({ scheduled: 200, sent: 200, answered: 200 });
    expect(step!.kms.ok + step!.kms.kmsTimeouts).toBe(200);
    expect(step!.kms.proxyErrors).toEqual([]);
    expect(step!.achievedRate).toBeGreaterThan(47);
    // The merged histograms count every answer once: all of them, the operations' together, and the send lags.
    expect(hdrCount(step!.latency.all!)).toBe(200);
    const perOp = Object.entries(step!.latency).filter(([name]) => name !== "all");
    expect(perOp.reduce((n, [, h]) => n + hdrCount(h), 0)).toBe(200);
    expect(hdrCount(step!.sendLag)).toBe(200);
    // The mock saw the warm-up (20 ciphertexts per key, one second at the rate) and the step, nothing sent twice.
    expect(served() - before).toBe(2 * 20 + 50 + 200);
    expect(readFileSync(join(dir, "load.xml"), "utf8")).toMatch(/<testcase classname="load" name="50 req\/s for 4 s"/);
  });

  it("says in the table that worker threads sent the load", async () => {
    const run = await load(["--rate", "50", "--duration", "2", "--workers", "2", "--mix", "health=1", "--no-color"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^xks-harness load https:\/\/\S+ \(us-east-1\), 2 worker threads$/m);
    expect(run.stdout).toMatch(/^PASS 50 req\/s for 2 s: 100 answered/m);
  });

  it("fails a two-thread run whose decrypts give back a garbled plaintext", async () => {
    await addFault(loadProxy(), "ks", { type: "mutation", mutation: "garbled-plaintext" });
    // The warm-up's encrypts are right (the mutation garbles decrypts only), so both threads get ciphertexts.
    const run = await load(["--rate", "100", "--duration", "2", "--workers", "2", "--mix", "decrypt=1", "--json"]);
    expect(run.code, run.stderr).toBe(1);
    const [step] = parse(run).steps;
    expect(step!.kms.proxyErrors).toEqual([{ errorType: "Non-retryable", exceptionName: "WrongAnswer", count: 200 }]);
    expect(step!.reasons.join(" ")).toContain("error rate");
  });

  it.each([
    { name: "--workers 0", args: ["--workers", "0"], message: /--workers 0: must be an integer from 1 to \d+ \(4 per CPU of this machine\)\. Fix: e\.g\. --workers/ },
    { name: "a fractional --workers", args: ["--workers", "1.5"], message: /--workers 1\.5: must be an integer/ },
    { name: "--workers above 4 per CPU", args: ["--workers", "100000"], message: /--workers 100000: must be an integer from 1 to/ },
    { name: "fewer --connections than --workers", args: ["--workers", "2", "--connections", "1"], message: /--connections 1 is below --workers 2.*Fix: --connections 2 or more/ },
  ])("exits 2 on $name, before any traffic", async ({ args, message }) => {
    const before = served();
    const run = await load([...args, "--duration", "1"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(served()).toBe(before);
  });
});
