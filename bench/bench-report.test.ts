import { describe, expect, it } from "vitest";
import { benchOptionsFromEnv } from "./bench-options.js";
import { formatTable, judge, type RunResult } from "./bench-report.js";

const options = benchOptionsFromEnv({});

function run(target: RunResult["target"], mode: RunResult["mode"], patch: Partial<RunResult> = {}): RunResult {
  return { target, mode, connections: 8, elapsedMs: 5000, ok: 1000, errors: 0, rps: 1000, p50Ms: 1, p90Ms: 2, p99Ms: 3, maxMs: 4, loadCpuPct: 50, ...(mode === "open" ? { targetRate: options.rate } : {}), ...patch };
}

const healthy = () => [
  run("mock", "closed", { rps: 7000 }),
  run("mock", "open", { rps: 1800, p99Ms: 2.5 }),
  run("bare", "closed", { rps: 20_000 }),
  run("bare", "open", { rps: 1800 }),
  run("bare-xks", "closed", { rps: 8000 }),
];

describe("judge", () => {
  it("ratio from the closed loops, p99 from the mock's open loop, and the mock over the spec's own work", () => {
    const r = judge(options, true, healthy());
    expect(r.ratio).toMatchObject({ value: 0.35, pass: false });
    expect(r.p99AtRate).toMatchObject({ value: 2.5, pass: true });
    expect(r.overSpecWork).toBeCloseTo(0.875);
    expect(r.notes).toEqual([]);
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
    expect(r.overSpecWork).toBeNaN();
    expect(formatTable(r)).toMatch(/mock\/bare-xks max req\/s = - /);
  });

  it("the table has one row per run and both verdicts", () => {
    const table = formatTable(judge(options, true, healthy()));
    expect(table.split("\n").filter((l) => /^(mock|bare|bare-xks) /.test(l))).toHaveLength(5);
    expect(table).toMatch(/ratio \(mock\/bare max req\/s\) = 0\.35 \(target >= 0\.6\): MISS/);
    expect(table).toMatch(/p99 at 1800 req\/s = 2\.50 ms \(target < 5 ms\): PASS/);
  });
});
