import { describe, expect, it } from "vitest";
import { PROGRESS_INTERVAL_MS, ProgressPrinter, progressIntervalMs, progressText } from "./progress.js";
import type { RunProgress } from "./run-load.js";

const at = (elapsedS: number, o: Partial<RunProgress> = {}): RunProgress => ({ elapsedS, rate: 399.6, p99Ms: 3.2, errors: 0, rateTarget: 400, step: 1, steps: 3, durationS: 20, ...o });

/** A printer on a fake stream and a clock the test moves. */
function printer(isTTY: boolean, intervalMs = 5000) {
  let now = 0;
  const written: string[] = [];
  const p = new ProgressPrinter({ write: (t: string) => written.push(t), isTTY }, intervalMs, () => now);
  return { p, written, tick: (ms: number) => void (now += ms) };
}

describe("load progress", () => {
  it("says where the run is, the time left in the step and at most in the run, and how the proxy does", () => {
    expect(progressText(at(7.4))).toBe("step 1/3, 400 req/s, 7 of 20 s, 13 s left in the step, up to 53 s in the run: achieved 400 req/s, p99 3.2 ms, errors 0");
    expect(progressText(at(15, { steps: 1, errors: 2 }))).toBe("step 1/1, 400 req/s, 15 of 20 s, 5 s left: achieved 400 req/s, p99 3.2 ms, errors 2");
  });

  it("without a terminal: a plain line once per interval, whatever the updates in between", () => {
    const { p, written, tick } = printer(false);
    for (let s = 1; s <= 12; s++) {
      tick(1000);
      p.update(at(s));
    }
    p.end();
    expect(written).toEqual([`load: ${progressText(at(5))}\n`, `load: ${progressText(at(10))}\n`]);
  });

  it("on a terminal: every update rewrites one line, ended once", () => {
    const { p, written, tick } = printer(true);
    tick(1000);
    p.update(at(1));
    p.update(at(2));
    p.end();
    p.end();
    expect(written).toEqual([`\r${progressText(at(1))}\x1b[K`, `\r${progressText(at(2))}\x1b[K`, "\n"]);
  });

  it("the interval is 5 s unless the internal variable gives another", () => {
    expect(progressIntervalMs({})).toBe(PROGRESS_INTERVAL_MS);
    expect(PROGRESS_INTERVAL_MS).toBe(5000);
    expect(progressIntervalMs({ XKS_HARNESS_PROGRESS_MS: "250" })).toBe(250);
    expect(progressIntervalMs({ XKS_HARNESS_PROGRESS_MS: "soon" })).toBe(PROGRESS_INTERVAL_MS);
  });
});
