/**
 * @module harness/load/run-load
 * A whole load run: one counting pool and client, the warm-up (ciphertexts for the decrypts, connections
 * opened), then the steps: one at --rate, or for --find-max rising rates until a step fails. Ctrl-C (`stopped`)
 * ends the current step early; the run still reports what it measured.
 */
import { XksClient, xksTarget } from "../../src/client/index.js";
import type { LoadOptions } from "./options.js";
import { callFactory, warmUp } from "./operations.js";
import { countingPool } from "./pool.js";
import type { LoadReport } from "./report.js";
import { judgeStep, runStep, type Progress } from "./step.js";

/** Ciphertexts per key made in the warm-up: enough that decrypts do not all hit one ciphertext. */
const WARM_UP_CIPHERTEXTS = 20;
/**
 * Seconds of unmeasured load at the first step's rate before it: KMS's connections to a busy store are open and
 * warm, while a cold generator opens its pool and compiles its hot paths in the first second. Measured at 1800
 * req/s on 2 cores, a cold start alone pushed p99 past 800 ms; the same rate after a warm-up stayed under 25 ms.
 */
const WARM_UP_S = 1;

export interface RunHooks {
  stopped: () => boolean;
  onProgress?: ((p: Progress & { rateTarget: number }) => void) | undefined;
}

export async function runLoad(o: LoadOptions, hooks: RunHooks): Promise<LoadReport> {
  const pool = countingPool({ extraCa: o.extraCa, clientCert: o.clientCert, timeoutMs: o.timeoutMs, connections: o.connections });
  const client = new XksClient(xksTarget(o.settings, o.region), { dispatcher: pool.agent, timeoutMs: o.timeoutMs });
  const report: LoadReport = { endpoint: o.settings.endpoint, path: o.settings.path, region: o.region, steps: [], connections: [], findMax: o.findMax, stopped: false };
  try {
    const needCiphertexts = o.mix.decrypt > 0;
    const sealed = needCiphertexts ? await warmUp(client, o.keyIds, WARM_UP_CIPHERTEXTS, o.plaintextBytes, o.aadBytes) : [];
    const calls = callFactory(client, o.keyIds, sealed, o);
    let budget = o.maxRequests;
    const warm = { rate: o.rates[0]!, durationS: WARM_UP_S, maxRequests: budget, mix: o.mix, p99BudgetMs: o.p99BudgetMs, maxErrorRate: o.maxErrorRate, timeoutMs: o.timeoutMs };
    await runStep(warm, calls, { stopped: hooks.stopped });
    for (const rate of o.rates) {
      pool.reset();
      const run = await runStep(
        { rate, durationS: o.durationS, maxRequests: budget, mix: o.mix, p99BudgetMs: o.p99BudgetMs, maxErrorRate: o.maxErrorRate, timeoutMs: o.timeoutMs },
        calls,
        { stopped: hooks.stopped, ...(hooks.onProgress ? { onProgress: (p: Progress) => hooks.onProgress!({ ...p, rateTarget: rate }) } : {}) },
      );
      report.steps.push(run);
      report.connections.push(pool.counts());
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
    await client.close();
    await pool.agent.close();
  }
}
