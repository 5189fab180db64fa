/**
 * @module harness/load/step
 * One step of load: requests sent on a fixed schedule (`rate` per second) whatever the answers do, so a slow
 * proxy cannot slow the offered load, and each latency runs from the scheduled send time (no coordinated
 * omission). Bounded by the duration and --max-requests; a stop (Ctrl-C) ends the schedule, answers in flight
 * are still awaited (each call has the client's whole-exchange deadline) and counted. The schedule is schedule.ts's;
 * with worker threads each thread runs its share of it (every N-th send from a common start), so the sends of all
 * threads together are as even as one thread's.
 */
import { classifyAnswer, classifyThrown } from "../../src/client/index.js";
import type { CallFactory } from "./operations.js";
import { LOAD_OPERATIONS, type LoadOperation } from "./options.js";
import { openLoop, shareOf } from "./schedule.js";
import { percentiles, StepStats } from "./stats.js";

/**
 * A send is on time when it leaves within this many ms of its scheduled time, or before the next one is due if
 * that is later: above timer and GC jitter, far below KMS's budget, and at low rates a hiccup shorter than the
 * interval does not change the offered load.
 */
export const ON_TIME_MS = 10;
/** The share of scheduled requests that must go out on time for a step to pass. */
export const ON_TIME_SHARE = 0.99;

export interface StepPlan {
  rate: number;
  durationS: number;
  maxRequests: number;
  mix: Record<LoadOperation, number>;
  p99BudgetMs: number;
  maxErrorRate: number;
  timeoutMs: number;
}

export interface Progress {
  elapsedS: number;
  rate: number;
  p99Ms: number;
  errors: number;
}

export interface StepRun {
  plan: StepPlan;
  stats: StepStats;
  elapsedMs: number;
  stopped: boolean;
}

/** Picks operations in proportion to the mix. */
function picker(mix: Record<LoadOperation, number>): () => LoadOperation {
  const total = LOAD_OPERATIONS.reduce((s, op) => s + mix[op], 0);
  return () => {
    let x = Math.random() * total;
    for (const op of LOAD_OPERATIONS) {
      x -= mix[op];
      if (x < 0 && mix[op] > 0) return op;
    }
    return LOAD_OPERATIONS.find((op) => mix[op] > 0)!;
  };
}

/** Requests the whole step schedules, over all threads: the rate for the duration, within the run's budget. */
function stepTotal(plan: StepPlan): number {
  return Math.max(1, Math.min(plan.maxRequests, Math.round(plan.rate * plan.durationS)));
}

/** How late a send may leave and still be on time at `rate` (see ON_TIME_MS). */
function onTimeBoundMs(rate: number): number {
  return Math.max(ON_TIME_MS, 1000 / rate);
}

/** This thread's part of a step that several threads send: the sends index, index + of, … from a common start. */
interface StepShare {
  /** `performance.now()` (of this thread) of the step's first send. */
  start: number;
  index: number;
  of: number;
}

export interface StepHooks {
  stopped: () => boolean;
  /** Called every second while the step runs, with the stats so far and the seconds since the step started. */
  onSecond?: ((stats: StepStats, elapsedS: number) => void) | undefined;
  /** Absent: this thread sends the whole step, starting now. */
  share?: StepShare | undefined;
}

/** The progress line's numbers. */
export function progressOf(stats: { answered: number; failed: number; all: StepStats["all"] }, elapsedS: number): Progress {
  return { elapsedS, rate: elapsedS > 0 ? stats.answered / elapsedS : 0, p99Ms: percentiles(stats.all).p99Ms, errors: stats.failed };
}

export async function runStep(plan: StepPlan, calls: CallFactory, o: StepHooks): Promise<StepRun> {
  const stats = new StepStats();
  const pick = picker(plan.mix);
  const onTimeMs = onTimeBoundMs(plan.rate);
  const perOp = new Map<LoadOperation, number>();
  const inFlight = new Set<Promise<void>>();
  const start = o.share?.start ?? performance.now();
  const schedule = shareOf({ start, rate: plan.rate, total: stepTotal(plan), index: o.share?.index ?? 0, of: o.share?.of ?? 1 });

  const fire = (scheduledAt: number) => {
    const op = pick();
    const i = perOp.get(op) ?? 0;
    perOp.set(op, i + 1);
    const call = calls.next(op, i);
    const lag = performance.now() - scheduledAt;
    stats.recordSend(lag, lag <= onTimeMs);
    const p = call.send().then(
      (res) => {
        const latency = performance.now() - scheduledAt;
        stats.record(op, latency, classifyAnswer(res, latency, plan.p99BudgetMs, res.status === 200 ? call.verify(res) : undefined));
      },
      (err: unknown) => stats.record(op, performance.now() - scheduledAt, classifyThrown(err, plan.timeoutMs)),
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  const seconds = o.onSecond ? setInterval(() => o.onSecond!(stats, (performance.now() - start) / 1000), 1000) : undefined;
  const end = await openLoop({ ...schedule, stopped: o.stopped }, fire);
  stats.scheduled = end.sent;
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  if (seconds) clearInterval(seconds);
  return { plan, stats, elapsedMs: performance.now() - start, stopped: end.why === "stopped" };
}

export interface StepVerdict {
  pass: boolean;
  /** Why it failed, one line each; empty on a pass. */
  reasons: string[];
}

export function judgeStep(run: StepRun): StepVerdict {
  const { stats, plan } = run;
  const reasons: string[] = [];
  const onTimeShare = stats.scheduled === 0 ? 0 : stats.onTime / stats.scheduled;
  if (onTimeShare < ON_TIME_SHARE) {
    reasons.push(`only ${(onTimeShare * 100).toFixed(1)}% of the scheduled requests were sent on time (within ${onTimeBoundMs(plan.rate).toFixed(0)} ms; need ${ON_TIME_SHARE * 100}%): the load generator could not keep up. Fix: lower --rate or run from a bigger machine`);
  }
  const p99 = percentiles(stats.all).p99Ms;
  if (p99 > plan.p99BudgetMs) reasons.push(`p99 ${p99} ms is over the budget of ${plan.p99BudgetMs} ms: KMS would time these calls out`);
  const errorRate = stats.answered === 0 ? 1 : stats.failed / stats.answered;
  if (errorRate > plan.maxErrorRate) reasons.push(`error rate ${(errorRate * 100).toFixed(2)}% (${stats.failed} of ${stats.answered}) is over --max-error-rate ${plan.maxErrorRate}`);
  return { pass: reasons.length === 0, reasons };
}
