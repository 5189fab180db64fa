/**
 * @module harness/load/step
 * One step of load: requests sent on a fixed schedule (`rate` per second) whatever the answers do, so a slow
 * proxy cannot slow the offered load, and each latency runs from the scheduled send time (no coordinated
 * omission). Bounded by the duration and --max-requests; a stop (Ctrl-C) ends the schedule, answers in flight
 * are still awaited (each call has the client's whole-exchange deadline) and counted.
 */
import { classifyAnswer, classifyThrown } from "./kms-classify.js";
import type { CallFactory } from "./operations.js";
import { LOAD_OPERATIONS, type LoadOperation } from "./options.js";
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

export async function runStep(plan: StepPlan, calls: CallFactory, o: { stopped: () => boolean; onProgress?: (p: Progress) => void }): Promise<StepRun> {
  const stats = new StepStats();
  const pick = picker(plan.mix);
  const total = Math.max(1, Math.min(plan.maxRequests, Math.round(plan.rate * plan.durationS)));
  const intervalMs = 1000 / plan.rate;
  const onTimeMs = Math.max(ON_TIME_MS, intervalMs);
  const perOp = new Map<LoadOperation, number>();
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  let next = 0;
  let stopped = false;

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

  const progress = o.onProgress
    ? setInterval(() => {
        const elapsedS = (performance.now() - start) / 1000;
        o.onProgress!({ elapsedS, rate: stats.answered / elapsedS, p99Ms: percentiles(stats.all).p99Ms, errors: stats.failed });
      }, 1000)
    : undefined;
  await new Promise<void>((resolve) => {
    const tick = () => {
      if (o.stopped()) {
        stopped = true;
        return resolve();
      }
      const now = performance.now();
      while (next < total && start + next * intervalMs <= now) fire(start + next++ * intervalMs);
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
    };
    tick();
  });
  stats.scheduled = next;
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  if (progress) clearInterval(progress);
  return { plan, stats, elapsedMs: performance.now() - start, stopped };
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
    reasons.push(`only ${(onTimeShare * 100).toFixed(1)}% of the scheduled requests were sent on time (within ${Math.max(ON_TIME_MS, 1000 / plan.rate).toFixed(0)} ms; need ${ON_TIME_SHARE * 100}%): the load generator could not keep up. Fix: lower --rate or run from a bigger machine`);
  }
  const p99 = percentiles(stats.all).p99Ms;
  if (p99 > plan.p99BudgetMs) reasons.push(`p99 ${p99} ms is over the budget of ${plan.p99BudgetMs} ms: KMS would time these calls out`);
  const errorRate = stats.answered === 0 ? 1 : stats.failed / stats.answered;
  if (errorRate > plan.maxErrorRate) reasons.push(`error rate ${(errorRate * 100).toFixed(2)}% (${stats.failed} of ${stats.answered}) is over --max-error-rate ${plan.maxErrorRate}`);
  return { pass: reasons.length === 0, reasons };
}
