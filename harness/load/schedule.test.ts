import { describe, expect, it } from "vitest";
import { openLoop, shareOf } from "./schedule.js";

const times = (s: { start: number; intervalMs: number; count: number }) => Array.from({ length: s.count }, (_, i) => s.start + i * s.intervalMs);

describe("shareOf", () => {
  it.each([
    { total: 1, of: 1 },
    { total: 10, of: 3 },
    { total: 400, of: 2 },
    { total: 7, of: 8 },
  ])("the shares of $of threads are the whole schedule of $total sends, each send once", ({ total, of }) => {
    const rate = 250;
    const whole = times(shareOf({ start: 5, rate, total, index: 0, of: 1 }));
    const shares = Array.from({ length: of }, (_, index) => times(shareOf({ start: 5, rate, total, index, of })));
    expect(shares.flat().sort((a, b) => a - b)).toEqual(whole);
    // Even: no thread has more than one send over another.
    const counts = shares.map((s) => s.length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });
});

describe("openLoop", () => {
  it("sends count requests, each told its scheduled time, in order", async () => {
    const fired: [number, number][] = [];
    const start = performance.now();
    const end = await openLoop({ start, intervalMs: 2, count: 20 }, (at, i) => fired.push([at, i]));
    expect(end).toEqual({ sent: 20, why: "done" });
    expect(fired).toEqual(Array.from({ length: 20 }, (_, i) => [start + i * 2, i]));
  });

  it("ends early when stopped, even with the next send seconds away", async () => {
    let stop = false;
    const waited = performance.now();
    const ending = openLoop({ start: performance.now(), intervalMs: 60_000, count: 5, stopped: () => stop }, () => (stop = true));
    const end = await ending;
    expect(end).toEqual({ sent: 1, why: "stopped" });
    expect(performance.now() - waited).toBeLessThan(1000);
  });

  it("stops sending past the deadline", async () => {
    const start = performance.now() - 10_000;
    const end = await openLoop({ start, intervalMs: 1, count: 100_000, sendDeadline: start + 5 }, () => {});
    expect(end).toEqual({ sent: 0, why: "deadline" });
  });
});
