import { describe, expect, it } from "vitest";
import { benchOptionsFromEnv } from "./bench-options.js";
import { formatTable, judge, type RunResult } from "./bench-report.js";

const options = benchOptionsFromEnv({});

function run(target: RunResult["target"], mode: RunResult["mode"], patch: Partial<RunResult> = {}): RunResult {
  return { target, mode, connections: 8, elapsedMs: 5000, ok: 1000, errors: 0, rps: 1000, p50Ms: 1, p90Ms: 2, p99Ms: 3, maxMs: 4, loadCpuPct: 50, loadCpuUsPerRequest: 200, ...(mode === "open" ? { targetRate: options.rate } : {}), ...patch };
}

const healthy = () => [
  run("mock", "closed", { rps: 7000 }),
  run("mock", "open", { rps: 1800, p99Ms: 2.5, loadCpuUsPerRequest: 120, onTimePct: 99.95, sendLagP99Ms: 0.8 }),
  run("bare", "closed", { rps: 20_000 }),
  run("bare", "open", { rps: 1800, loadCpuPct: 12, sendLagP99Ms: 0.8 }),
  run("bare-xks", "closed", { rps: 8000 }),
  run("bare-xks", "open", { rps: 1800, p99Ms: 2 }),
];

describe("judge", () => {
  it("mock/bare-xks from the closed loops, p99 from the open loops of mock and bare-xks, load's cost from the mock's open loop; mock/bare only informs", () => {
    const r = judge(options, true, healthy());
    expect(r.ratio).toBeCloseTo(0.35);
    expect(r.overSpecWork).toMatchObject({ target: ">= 0.85", pass: true });
    expect(r.overSpecWork.value).toBeCloseTo(0.875);
    expect(r.p99AtRate).toMatchObject({ value: 1.25, target: "<= 2", pass: true });
    expect(r.loadCost).toMatchObject({ value: 120, target: "<= 150 µs", pass: true });
    expect(r.loadOnTime).toMatchObject({ value: 99.95, target: ">= 99.9", pass: true });
    expect(r.generatorSendLag).toMatchObject({ value: 0.8, target: "< 2 ms", pass: true });
    expect(r.cliStart).toBeUndefined();
    expect(r.notes).toEqual([]);
  });

  it("each target misses on its own side of the line", () => {
    const worse = healthy().map((x) =>
      x.target === "bare-xks" && x.mode === "closed"
        ? { ...x, rps: 8300 }
        : x.target === "mock" && x.mode === "open"
          ? { ...x, loadCpuUsPerRequest: 151, onTimePct: 99.8, sendLagP99Ms: 2, p99Ms: 4.1 }
          : x,
    );
    const r = judge(options, true, worse, { runs: 7, nodeMs: 50, harnessMs: 100, mockMs: 101 });
    expect(r.overSpecWork.pass).toBe(false);
    expect(r.loadCost.pass).toBe(false);
    expect(r.loadOnTime.pass).toBe(false);
    expect(r.generatorSendLag.pass).toBe(false);
    expect(r.p99AtRate).toMatchObject({ value: 2.05, pass: false });
    expect(r.cliStart?.harness).toMatchObject({ value: 2, target: "<= 2", pass: true });
    expect(r.cliStart?.mock).toMatchObject({ value: 2.02, pass: false });
  });

  it("a fast p99 does not pass when the rate was not reached or requests failed", () => {
    const slow = healthy().map((x) => (x.target === "mock" && x.mode === "open" ? { ...x, rps: 1500 } : x));
    expect(judge(options, true, slow).p99AtRate).toMatchObject({ pass: false, note: "served only 1500 req/s" });
    const failing = healthy().map((x) => (x.target === "mock" && x.mode === "open" ? { ...x, errors: 3, firstError: "HTTP 500" } : x));
    const r = judge(options, true, failing);
    expect(r.p99AtRate).toMatchObject({ pass: false, note: "3 errors" });
    expect(r.notes).toContain("mock open: 3 errors, first: HTTP 500");
  });

  it("says when the generator, other processes or a missing pin may have shaped the numbers", () => {
    const busy = healthy().map((x) => (x.target === "bare" && x.mode === "closed" ? { ...x, loadCpuPct: 96, otherCpuPct: 40 } : x));
    const notes = judge(options, false, busy).notes.join("\n");
    expect(notes).toMatch(/load generator used 96%/);
    expect(notes).toMatch(/other processes used 40% \(bare closed\)/);
    expect(notes).toMatch(/not pinned/);
  });

  it("without a bare-xks run the overhead is unknown, and the table says so with a dash", () => {
    const r = judge(options, true, healthy().filter((x) => x.target !== "bare-xks"));
    expect(r.overSpecWork).toMatchObject({ value: Number.NaN, pass: false });
    expect(formatTable(r)).toMatch(/mock\/bare-xks max req\/s = - \(target >= 0\.85\): MISS/);
  });

  it("the table has one row per run, every verdict, and mock/bare without a target", () => {
    const table = formatTable(judge(options, true, healthy(), { runs: 7, nodeMs: 50, harnessMs: 80, mockMs: 120 }));
    expect(table.split("\n").filter((l) => /^(mock|bare|bare-xks) /.test(l))).toHaveLength(6);
    expect(table).toMatch(/mock\/bare-xks max req\/s = 0\.88 \(target >= 0\.85\): PASS/);
    expect(table).toMatch(/p99 at 1800 req\/s, mock\/bare-xks = 1\.25 \(target <= 2\): PASS/);
    expect(table).toMatch(/load µs\/request at 1800 req\/s against the mock = 120 \(target <= 150 µs\): PASS/);
    expect(table).toMatch(/load sends on time at 1800 req\/s against the mock = 99\.95% \(target >= 99\.9%\): PASS/);
    expect(table).toMatch(/load send lag p99 at 1800 req\/s against the mock = 0\.80 ms \(target < 2 ms\): PASS/);
    expect(table).toMatch(/server µs\/req +load CPU +load µs\/req/);
    expect(table).toMatch(/xks-harness --help start = 1\.60× node -e 0 \(target <= 2\): PASS/);
    expect(table).toMatch(/xks-mock --help start = 2\.40× node -e 0 \(target <= 2\): MISS/);
    expect(table).toMatch(/closed-loop max: mock 7000 req\/s; the generator against bare 20000 req\/s/);
    expect(table).toMatch(/ratio \(mock\/bare max req\/s\) = 0\.35 \(no target: bare-xks, doing only the spec's SigV4 \+ JSON \+ AES-GCM, reaches 0\.40 of bare\)/);
    expect(table).not.toMatch(/>= 0\.6/);
  });
});
