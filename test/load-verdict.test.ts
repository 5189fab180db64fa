/**
 * How `xks-harness load` judges and reports a whole run, through the built CLI against the mock (real TLS): a
 * --find-max whose every step passes is a PASS that says the rates above the last one were not tested (and that
 * KMS may send 1,800 req/s); without a terminal a progress line goes to stderr every few seconds (here every
 * callback: the internal XKS_HARNESS_PROGRESS_MS shortens the interval), none under --json; the warm-up's
 * connections are counted apart from the steps'.
 */
import { describe, expect, it } from "vitest";
import { useLoadProxy } from "./helpers/load-proxy.js";

const { load } = useLoadProxy("load verdict key seed");
/** Low rates with health calls only: a busy 2-core machine still passes them. */
const FIND_MAX = ["--find-max", "--from", "10", "--step", "10", "--to", "20", "--duration", "2", "--mix", "health=1", "--no-color"];
const EVERY_CALLBACK = { XKS_HARNESS_PROGRESS_MS: "1" };

interface LoadJson {
  verdict: string;
  findMax: { highestPassedRate: number; quota: number; limitFound: boolean; untestedAbove: number | null; advice?: string };
  warmUp: { rate: number; durationS: number; connections: { connectionsOpened: number; tlsHandshakes: number } };
  steps: { rate: number; verdict: string }[];
}

describe("load --find-max where every tested step passes", () => {
  it("passes, and says the rates above --to were not tested and that KMS may send 1800 req/s", async () => {
    const run = await load(FIND_MAX, EVERY_CALLBACK);
    expect(run.stdout).toMatch(/^PASS 10 req\/s for 2 s/m);
    expect(run.stdout).toMatch(/^PASS 20 req\/s for 2 s/m);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("Verdict: PASS");
    expect(run.stdout).toContain("rates above 20 req/s were not tested");
    expect(run.stdout).toMatch(/KMS may send an external key store 1800 req\/s[^\n]*--to 1800/);
    expect(run.stdout).not.toContain("add proxies");
    // The warm-up opened the pool the steps use: said, not hidden behind "connections opened 0".
    expect(run.stdout).toMatch(/^warm-up: 1 s at 10 req\/s \(not measured\), connections opened [1-9]\d*/m);
  });

  it("--json says the same in fields; stderr stays quiet", async () => {
    const run = await load([...FIND_MAX, "--json"], EVERY_CALLBACK);
    const report = JSON.parse(run.stdout) as LoadJson;
    expect(report.steps.map((s) => [s.rate, s.verdict])).toEqual([
      [10, "pass"],
      [20, "pass"],
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(report.verdict).toBe("pass");
    expect(report.findMax).toMatchObject({ highestPassedRate: 20, quota: 1800, limitFound: false, untestedAbove: 20 });
    expect(report.findMax.advice).toMatch(/--to 1800/);
    expect(report.warmUp).toMatchObject({ rate: 10, durationS: 1 });
    expect(report.warmUp.connections.connectionsOpened).toBeGreaterThan(0);
    expect(run.stderr).toBe("");
  });
});

describe("progress without a terminal", () => {
  it("writes plain progress lines to stderr (step, rate, p99, errors), not to stdout", async () => {
    const run = await load(["--rate", "20", "--duration", "3", "--mix", "health=1", "--no-color"], EVERY_CALLBACK);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const lines = run.stderr.split("\n").filter((l) => l.startsWith("load: "));
    // Callbacks come every second of the step: at 1 s and 2 s at least, each a line of its own (no \r).
    expect(lines.length, run.stderr).toBeGreaterThanOrEqual(1);
    for (const line of lines) expect(line).toMatch(/^load: step 1\/1, 20 req\/s, \d+ of 3 s, \d+ s left: achieved [\d.]+ req\/s, p99 [\d.]+ ms, errors \d+$/);
    expect(run.stderr).not.toContain("\r");
    expect(run.stdout).not.toContain("load: step");
  });
});
