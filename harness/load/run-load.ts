/**
 * @module harness/load/run-load
 * A whole load run: the warm-up (ciphertexts for the decrypts, then a second of unmeasured load that opens the
 * pool), then the steps: one at --rate, or for --find-max rising rates until a step fails. The main thread sends
 * the load itself, or with --workers N coordinates N worker threads (workers.ts). Ctrl-C (`stopped`) ends the
 * current step early; the run still reports what it measured.
 */
import { xksTarget } from "../../src/client/index.js";
import { WARM_UP_CIPHERTEXTS } from "./defaults.js";
import type { LoadOptions } from "./options.js";
import { LoadEngine } from "./engine.js";
import { callFactory, warmUp, type Sealed } from "./operations.js";
import { countingPool } from "./pool.js";
import type { ConnectionCounts, LoadReport } from "./report.js";
import { judgeStep, progressOf, runStep, type Progress, type StepPlan, type StepRun } from "./step.js";

/**
 * Seconds of unmeasured load at the first step's rate before it: KMS's connections to a busy store are open and
 * warm, while a cold generator opens its pool and compiles its hot paths in the first second. Measured at 1800
 * req/s on 2 cores, a cold start alone pushed p99 past 800 ms; the same rate after a warm-up stayed under 25 ms.
 */
const WARM_UP_S = 1;

/** A step's progress with where it stands in the run: step `step` (from 1) of `steps`. */
export type RunProgress = Progress & { rateTarget: number; step: number; steps: number; durationS: number };

export interface RunHooks {
  stopped: () => boolean;
  onProgress?: ((p: RunProgress) => void) | undefined;
}

/** What sends the steps: this thread, or the worker threads. */
interface Sender {
  step(
    plan: StepPlan,
    hooks: { stopped: () => boolean; onProgress?: ((p: Progress) => void) | undefined },
  ): Promise<{ run: StepRun; connections: ConnectionCounts }>;
  close(): Promise<void>;
}

export async function runLoad(o: LoadOptions, hooks: RunHooks): Promise<LoadReport> {
  const report: LoadReport = {
    endpoint: o.settings.endpoint,
    path: o.settings.path,
    region: o.region,
    steps: [],
    connections: [],
    findMax: o.findMax,
    stopped: false,
    workers: o.workers,
    rates: o.rates,
    durationS: o.durationS,
  };
  const sender = report.workers > 1 ? await workerThreads(o) : await thisThread(o);
  try {
    const plan = (rate: number, durationS: number, maxRequests: number): StepPlan => ({ rate, durationS, maxRequests, mix: o.mix, p99BudgetMs: o.p99BudgetMs, maxErrorRate: o.maxErrorRate, timeoutMs: o.timeoutMs });
    let budget = o.maxRequests;
    const warm = await sender.step(plan(o.rates[0]!, WARM_UP_S, budget), { stopped: hooks.stopped });
    // Its pool carries the steps: counted here, or the first step would say "0 connections opened".
    report.warmUp = { rate: o.rates[0]!, durationS: WARM_UP_S, connections: warm.connections };
    if (warm.run.stopped) report.stopped = true;
    for (const [i, rate] of o.rates.entries()) {
      if (report.stopped) break;
      const where = { rateTarget: rate, step: i + 1, steps: o.rates.length, durationS: o.durationS };
      const onProgress = hooks.onProgress ? (p: Progress) => hooks.onProgress!({ ...p, ...where }) : undefined;
      const { run, connections } = await sender.step(plan(rate, o.durationS, budget), { stopped: hooks.stopped, onProgress });
      report.steps.push(run);
      report.connections.push(connections);
      budget -= run.stats.scheduled;
      if (run.stopped) {
        report.stopped = true;
        break;
      }
      // --max-requests bounds the whole run, across steps.
      if (budget <= 0 || !judgeStep(run).pass) break;
    }
    return report;
  } finally {
    await sender.close();
  }
}

/** The warm-up's ciphertexts, checked (a wrong answer here stops the run before it starts). */
function ciphertexts(client: LoadEngine, o: LoadOptions): Promise<Sealed[]> {
  return o.mix.decrypt > 0 ? warmUp(client, o.keyIds, WARM_UP_CIPHERTEXTS, o.plaintextBytes, o.aadBytes) : Promise.resolve([]);
}

function clientOf(o: LoadOptions) {
  const pool = countingPool({ extraCa: o.extraCa, clientCert: o.clientCert, timeoutMs: o.timeoutMs, connections: o.connections });
  const client = new LoadEngine(xksTarget(o.settings, o.region), pool.agent, o.timeoutMs);
  return { pool, client, close: async () => void (client.close(), await pool.agent.close()) };
}

/** The main thread sends: one pool and client for the warm-up and every step. */
async function thisThread(o: LoadOptions): Promise<Sender> {
  const { pool, client, close } = clientOf(o);
  let sealed: Sealed[];
  try {
    sealed = await ciphertexts(client, o);
  } catch (err) {
    await close();
    throw err;
  }
  const calls = callFactory(client, o.keyIds, sealed, o);
  return {
    async step(plan, h) {
      const run = await runStep(plan, calls, { stopped: h.stopped, onSecond: h.onProgress ? (s, elapsedS) => h.onProgress!(progressOf(s, elapsedS)) : undefined });
      // Counted up to here, then reset: the warm-up's count includes the connections its ciphertexts opened.
      const connections = pool.counts();
      pool.reset();
      return { run, connections };
    },
    close,
  };
}

/** Worker threads send; the ciphertexts are made once, here, and shared (workers.ts loads only with --workers). */
async function workerThreads(o: LoadOptions): Promise<Sender> {
  const [{ LoadWorkers }, sealed] = await Promise.all([
    import("./workers.js"),
    (async () => {
      const { client, close } = clientOf(o);
      try {
        return await ciphertexts(client, o);
      } finally {
        await close();
      }
    })(),
  ]);
  return LoadWorkers.start(o, sealed);
}
