import { describe, expect, it } from "vitest";
import { percentiles, StepStats } from "./stats.js";

describe("percentiles", () => {
  it("never reports a percentile above the slowest call seen (HDR's bucket tops can lie above it)", () => {
    const stats = new StepStats();
    // 494.7 ms sits inside an HDR bucket whose top is above it: unclamped, p99.9 of one value would read 494.9.
    for (let i = 0; i < 10; i++) stats.all.recordValue(494_700);
    const p = percentiles(stats.all);
    expect(p.maxMs).toBe(494.7);
    expect([p.p50Ms, p.p90Ms, p.p99Ms, p.p999Ms]).toEqual([494.7, 494.7, 494.7, 494.7]);
  });

  it("keeps the order p50 ≤ p90 ≤ p99 ≤ p99.9 ≤ max over a spread of values", () => {
    const stats = new StepStats();
    for (let us = 1_000; us <= 500_000; us += 997) stats.all.recordValue(us);
    const p = percentiles(stats.all);
    expect(p.p50Ms).toBeLessThanOrEqual(p.p90Ms);
    expect(p.p90Ms).toBeLessThanOrEqual(p.p99Ms);
    expect(p.p99Ms).toBeLessThanOrEqual(p.p999Ms);
    expect(p.p999Ms).toBeLessThanOrEqual(p.maxMs);
    expect(p.p50Ms).toBeCloseTo(250.5, 0);
  });
});
