import { describe, expect, it } from "vitest";
import { parseMix } from "./options.js";
import { StepStats } from "./stats.js";
import type { StepRun } from "./step.js";
import { findMaxResult, loadVerdict, plannedS, ranS, stepStatus, type JudgedRun } from "./verdict.js";

/** A step of 10 health calls, all sent on time: answered in 5 ms (a pass) or 500 ms (over the 250 ms budget). */
function step(rate: number, o: { passes?: boolean; stoppedAfterMs?: number } = {}): StepRun {
  const stats = new StepStats();
  for (let i = 0; i < 10; i++) {
    stats.recordSend(1, true);
    stats.record("health", o.passes === false ? 500 : 5, o.passes === false ? { kind: "kms-timeout" } : { kind: "ok" });
  }
  stats.scheduled = 10;
  const plan = { rate, durationS: 20, maxRequests: 1e9, mix: parseMix("health=1"), p99BudgetMs: 250, maxErrorRate: 0.001, timeoutMs: 1000 };
  return { plan, stats, elapsedMs: o.stoppedAfterMs ?? 20_000, stopped: o.stoppedAfterMs !== undefined };
}

const findMax = (steps: StepRun[], rates: number[], stopped = false): JudgedRun => ({ steps, findMax: true, stopped, rates, durationS: 20 });

describe("load verdicts", () => {
  it("--find-max whose every step passed below the quota: PASS, the rates above --to untested, and how to test 1800", () => {
    const run = findMax([step(400), step(800), step(1200)], [400, 800, 1200]);
    expect(loadVerdict(run)).toBe("pass");
    const f = findMaxResult(run);
    expect(f).toMatchObject({ highestPassedRate: 1200, limitFound: false, untestedAbove: 1200, pass: true });
    expect(f.advice).toMatch(/rates above 1200 req\/s were not tested \(the end of --from\/--step\/--to\).*1800 req\/s.*--to 1800/);
  });

  it("--find-max ended by --max-requests before --to: PASS, and says so", () => {
    const f = findMaxResult(findMax([step(400)], [400, 800]));
    expect(f).toMatchObject({ untestedAbove: 400, pass: true });
    expect(f.advice).toContain("--max-requests ended the run");
  });

  it("--find-max whose every step passed up to the quota or above: PASS without advice", () => {
    const f = findMaxResult(findMax([step(1800), step(2400)], [1800, 2400]));
    expect(f).toEqual({ highestPassedRate: 2400, quota: 1800, limitFound: false, untestedAbove: 2400, pass: true });
  });

  it("--find-max with a failed step: FAIL below the quota (add proxies), PASS at or above it", () => {
    const below = findMax([step(400), step(800, { passes: false })], [400, 800, 1200]);
    expect(loadVerdict(below)).toBe("fail");
    expect(findMaxResult(below)).toMatchObject({ highestPassedRate: 400, limitFound: true, untestedAbove: null });
    expect(findMaxResult(below).advice).toMatch(/add proxies behind the load balancer/);
    const above = findMax([step(1800), step(2400, { passes: false })], [1800, 2400]);
    expect(loadVerdict(above)).toBe("pass");
    expect(findMaxResult(above).advice).toBeUndefined();
  });

  it("a run stopped by Ctrl-C is stopped, whatever the part that ran showed; it reports the time it ran", () => {
    const fixed: JudgedRun = { steps: [step(200, { stoppedAfterMs: 2400 })], findMax: false, stopped: true, rates: [200], durationS: 20 };
    expect(loadVerdict(fixed)).toBe("stopped");
    expect(stepStatus(fixed.steps[0]!)).toBe("stopped");
    expect(ranS(fixed)).toBe(2.4);
    expect(plannedS(fixed)).toBe(20);
    const failing = step(200, { passes: false, stoppedAfterMs: 2400 });
    expect(stepStatus(failing)).toBe("fail");
    expect(loadVerdict({ ...fixed, steps: [failing] })).toBe("stopped");
    // A stopped step is not a passed rate, and a stopped --find-max gives no advice on the rates it did not reach.
    const f = findMaxResult(findMax([step(400), step(800, { stoppedAfterMs: 3000 })], [400, 800, 1200], true));
    expect(f).toEqual({ highestPassedRate: 400, quota: 1800, limitFound: false, untestedAbove: null, pass: false });
    expect(ranS(findMax([step(400), step(800, { stoppedAfterMs: 3000 })], [400, 800, 1200], true))).toBe(23);
  });
});
