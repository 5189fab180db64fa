/**
 * @module harness/load/schedule
 * The one open-loop schedule of the project (`load` and `npm run bench` both send by it): send `count` requests,
 * the i-th at `start + i × intervalMs`, whatever the answers do, so a slow target cannot slow the offered load.
 * Sends that fell due while the event loop was busy go out at once, each told its scheduled time, so the caller
 * measures latency from the schedule (no coordinated omission) and send lag as how late it left.
 */

/**
 * The longest a wait between two sends may last: a stop (Ctrl-C) is seen within it even at low rates, where the
 * next send can be seconds away.
 */
const MAX_WAIT_MS = 100;

export interface OpenLoopPlan {
  /** `performance.now()` of send 0; may lie ahead (threads that start together) or behind. */
  start: number;
  intervalMs: number;
  count: number;
  /** Checked before every batch of sends: true ends the schedule early (Ctrl-C). */
  stopped?: (() => boolean) | undefined;
  /** `performance.now()` past which nothing more is sent: a generator this far behind measures only itself. */
  sendDeadline?: number | undefined;
}

export interface OpenLoopEnd {
  /** Sends made; below `count` when stopped or past the deadline. */
  sent: number;
  why: "done" | "stopped" | "deadline";
}

/** The schedule of the requests `index`, `index + of`, `index + 2·of`… of a schedule at `rate` from `start`: one thread's even share. */
export function shareOf(o: { start: number; rate: number; total: number; index: number; of: number }): { start: number; intervalMs: number; count: number } {
  const intervalMs = 1000 / o.rate;
  return { start: o.start + o.index * intervalMs, intervalMs: o.of * intervalMs, count: Math.max(0, Math.ceil((o.total - o.index) / o.of)) };
}

/** Runs the schedule; `fire(scheduledAt, i)` sends one request and must not block (no await inside). */
export function openLoop(plan: OpenLoopPlan, fire: (scheduledAt: number, i: number) => void): Promise<OpenLoopEnd> {
  let next = 0;
  return new Promise<OpenLoopEnd>((resolve) => {
    const tick = () => {
      if (plan.stopped?.()) return resolve({ sent: next, why: "stopped" });
      const now = performance.now();
      if (plan.sendDeadline !== undefined && now > plan.sendDeadline) return resolve({ sent: next, why: "deadline" });
      while (next < plan.count && plan.start + next * plan.intervalMs <= now) {
        const i = next++;
        fire(plan.start + i * plan.intervalMs, i);
      }
      if (next >= plan.count) return resolve({ sent: next, why: "done" });
      setTimeout(tick, Math.min(MAX_WAIT_MS, Math.max(0, plan.start + next * plan.intervalMs - performance.now())));
    };
    tick();
  });
}
