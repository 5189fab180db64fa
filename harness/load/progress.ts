/**
 * @module harness/load/progress
 * The progress of a running load, on stderr. On a terminal one line, rewritten every second, with the time left;
 * without one (CI, `| tee`) a plain line every few seconds, so that a long --find-max never leaves a log silent for
 * minutes. Nothing under --json (the caller gives no printer then). The numbers arrive once a second per step
 * (run-load.ts `RunProgress`); this module only decides what to print, and when.
 */
import type { RunProgress } from "./run-load.js";

/** How often a line is written without a terminal. */
export const PROGRESS_INTERVAL_MS = 5000;
/**
 * Internal, for tests: another interval in ms (1 prints every update). Not a flag: a person never needs it, and
 * a test would otherwise wait 5 s per line.
 */
export const PROGRESS_INTERVAL_ENV = "XKS_HARNESS_PROGRESS_MS";

export function progressIntervalMs(env: NodeJS.ProcessEnv): number {
  const ms = Number(env[PROGRESS_INTERVAL_ENV]);
  return Number.isInteger(ms) && ms >= 1 && ms <= 3_600_000 ? ms : PROGRESS_INTERVAL_MS;
}

interface ProgressOut {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
}

/** Seconds left in the step, and in the whole run if every later step runs in full. */
function secondsLeft(p: RunProgress): { step: number; run: number } {
  const step = Math.max(0, Math.round(p.durationS - p.elapsedS));
  return { step, run: step + (p.steps - p.step) * p.durationS };
}

/** One progress line: where the run is, how long it still takes at most, and how the proxy does. */
export function progressText(p: RunProgress): string {
  const left = secondsLeft(p);
  const leftText =
    p.steps > p.step ? `${left.step} s left in the step, up to ${left.run} s in the run` : `${left.step} s left`;
  const time = `${Math.floor(p.elapsedS)} of ${p.durationS} s`;
  const where = `step ${p.step}/${p.steps}, ${p.rateTarget} req/s, ${time}, ${leftText}`;
  return `${where}: achieved ${p.rate.toFixed(0)} req/s, p99 ${p.p99Ms} ms, errors ${p.errors}`;
}

export class ProgressPrinter {
  private lastAt: number;
  private live = false;
  private readonly tty: boolean;

  constructor(
    private readonly out: ProgressOut,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tty = out.isTTY === true;
    this.lastAt = now();
  }

  update(p: RunProgress): void {
    if (this.tty) {
      this.live = true;
      // \x1b[K clears what a longer line before left.
      this.out.write(`\r${progressText(p)}\x1b[K`);
      return;
    }
    const now = this.now();
    if (now - this.lastAt < this.intervalMs) return;
    this.lastAt = now;
    this.out.write(`load: ${progressText(p)}\n`);
  }

  /** Ends the terminal's rewritten line, so that what follows starts on a line of its own. */
  end(): void {
    if (this.live) this.out.write("\n");
    this.live = false;
  }
}
