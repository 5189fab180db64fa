/**
 * @module harness/load/worker-entry
 * One load worker thread (`xks-harness load --workers N`): its own client and connection pool, and its share of
 * each step's schedule; it sends its stats back to the main thread (workers.ts), which merges them. Loaded by
 * path from dist/ (new Worker(new URL("./worker-entry.js", import.meta.url))).
 */
import { parentPort, workerData } from "node:worker_threads";
import { xksTarget } from "../../src/client/index.js";
import { LoadEngine } from "./engine.js";
import { callFactory } from "./operations.js";
import { countingPool } from "./pool.js";
import { encoded } from "./stats.js";
import { runStep } from "./step.js";
import type { FromWorker, ToWorker, WorkerInit } from "./worker-protocol.js";

const port = parentPort!;
const init = workerData as WorkerInit;
const o = init.options;
const post = (m: FromWorker) => port.postMessage(m);

const pool = countingPool({ extraCa: o.extraCa, clientCert: o.clientCert, timeoutMs: o.timeoutMs, connections: init.connections });
const client = new LoadEngine(xksTarget(o.settings, o.region), pool.agent, o.timeoutMs);
const calls = callFactory(client, o.keyIds, init.sealed, o);
// Sticky: once the operator stopped the run, no later step of it starts.
let stopped = false;

port.on("message", (m: ToWorker) => {
  if (m.type === "stop") stopped = true;
  else if (m.type === "step") void step(m);
  else void close();
});
post({ type: "ready" });

async function step(m: Extract<ToWorker, { type: "step" }>): Promise<void> {
  pool.reset();
  const run = await runStep(m.plan, calls, {
    stopped: () => stopped,
    // Both clocks count from their thread's own origin: the epoch time of the first send puts them on one line.
    share: { start: m.startEpochMs - performance.timeOrigin, index: init.index, of: init.of },
    onSecond: m.progress ? (s, elapsedS) => post({ type: "progress", elapsedS, answered: s.answered, failed: s.failed, all: encoded(s.all) }) : undefined,
  });
  post({ type: "step-done", stats: run.stats.toWire(), elapsedMs: run.elapsedMs, stopped: run.stopped, connections: pool.counts() });
}

async function close(): Promise<void> {
  client.close();
  await pool.agent.close();
  port.close();
}
