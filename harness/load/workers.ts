/**
 * @module harness/load/workers
 * `load --workers N`, the main thread's side: N worker threads (worker-entry.ts), each with its own client and
 * pool (the --connections bound split between them) and every N-th send of each step's schedule from one common
 * start, so the sends of all threads together are as even as one thread's. The main thread only coordinates: it
 * starts each step, merges what the threads send back (HDR histograms bucket by bucket, counters summed) into one
 * StepRun, prints the progress line from the merged numbers, and on Ctrl-C tells every thread to stop.
 */
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import type { Sealed } from "./operations.js";
import type { LoadOptions } from "./options.js";
import { decoded, StepStats } from "./stats.js";
import { progressOf, type Progress, type StepPlan, type StepRun } from "./step.js";
import type { FromWorker, ToWorker, WorkerInit } from "./worker-protocol.js";

/** The compiled entry beside this module (dist/harness/load/): the bins run from dist. */
const WORKER_ENTRY = new URL("./worker-entry.js", import.meta.url);
/**
 * How far ahead of now a step's first send is set: long enough for every thread to get the message (an idle
 * thread takes well under a millisecond), short enough not to matter. Not counted in the step's elapsed time.
 */
const START_AHEAD_MS = 100;
/** How often the main thread looks for a Ctrl-C during a step. */
const STOP_POLL_MS = 50;

type Counts = { connectionsOpened: number; tlsHandshakes: number };
type Reply = Exclude<FromWorker, { type: "progress" }>;

/** One worker thread, its replies taken in order (the protocol is one request, one reply). */
class Thread {
  readonly worker: Worker;
  readonly exited: Promise<unknown>;
  progress: Extract<FromWorker, { type: "progress" }> | undefined;
  private waiting: { resolve: (m: Reply) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;
  private closing = false;

  constructor(readonly index: number, init: WorkerInit) {
    this.worker = new Worker(WORKER_ENTRY, { workerData: init });
    this.exited = once(this.worker, "exit");
    this.worker.on("message", (m: FromWorker) => {
      if (m.type === "progress") this.progress = m;
      else this.settle((w) => w.resolve(m));
    });
    this.worker.on("error", (err) => this.fail(new Error(`load worker ${index}: ${err.message}`)));
    this.worker.on("exit", (code) => {
      if (!this.closing) this.fail(new Error(`load worker ${index} ended unexpectedly (exit code ${code})`));
    });
  }

  post(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  reply<T extends Reply["type"]>(type: T): Promise<Extract<Reply, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = {
        resolve: (m) => (m.type === type ? resolve(m as Extract<Reply, { type: T }>) : reject(new Error(`load worker ${this.index}: expected ${type}, got ${m.type}`))),
        reject,
      };
    });
  }

  async close(deadlineMs: number): Promise<void> {
    this.closing = true;
    this.post({ type: "close" });
    // A thread that does not close its pool in time is ended: the report is already made.
    const timer = setTimeout(() => void this.worker.terminate(), deadlineMs);
    await this.exited;
    clearTimeout(timer);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.settle((w) => w.reject(err));
  }

  private settle(f: (w: NonNullable<Thread["waiting"]>) => void): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (w) f(w);
  }
}

export class LoadWorkers {
  private constructor(
    private readonly threads: Thread[],
    private readonly timeoutMs: number,
  ) {}

  /** Starts the threads and waits until each has its client ready. */
  static async start(o: LoadOptions, sealed: Sealed[]): Promise<LoadWorkers> {
    const n = o.workers;
    const threads = Array.from({ length: n }, (_, index) => {
      // The bound split as evenly as it goes: the first (connections mod n) threads get one more.
      const connections = Math.floor(o.connections / n) + (index < o.connections % n ? 1 : 0);
      return new Thread(index, { options: o, sealed, index, of: n, connections });
    });
    const workers = new LoadWorkers(threads, o.timeoutMs);
    try {
      await Promise.all(threads.map((t) => t.reply("ready")));
    } catch (err) {
      await workers.close();
      throw err;
    }
    return workers;
  }

  /** One step sent by all threads; the StepRun merged from theirs, and their connections summed. */
  async step(plan: StepPlan, hooks: { stopped: () => boolean; onProgress?: ((p: Progress) => void) | undefined }): Promise<{ run: StepRun; connections: Counts }> {
    const startEpochMs = performance.timeOrigin + performance.now() + START_AHEAD_MS;
    for (const t of this.threads) {
      t.progress = undefined;
      t.post({ type: "step", plan, startEpochMs, progress: hooks.onProgress !== undefined });
    }
    const replies = Promise.all(this.threads.map((t) => t.reply("step-done")));
    let stopSent = false;
    const lookForStop = () => {
      if (stopSent || !hooks.stopped()) return;
      stopSent = true;
      for (const t of this.threads) t.post({ type: "stop" });
    };
    lookForStop();
    const poll = setInterval(lookForStop, STOP_POLL_MS);
    const onProgress = hooks.onProgress;
    const progress = onProgress
      ? setInterval(() => {
          const p = this.mergedProgress();
          if (p) onProgress(p);
        }, 1000)
      : undefined;
    try {
      const done = await replies;
      const stats = new StepStats();
      for (const d of done) stats.add(d.stats);
      return {
        run: { plan, stats, elapsedMs: Math.max(0, ...done.map((d) => d.elapsedMs)), stopped: stopSent || done.some((d) => d.stopped) },
        connections: {
          connectionsOpened: done.reduce((n, d) => n + d.connections.connectionsOpened, 0),
          tlsHandshakes: done.reduce((n, d) => n + d.connections.tlsHandshakes, 0),
        },
      };
    } finally {
      clearInterval(poll);
      if (progress) clearInterval(progress);
    }
  }

  /** Ends every thread (each closes its pool first; answers in flight are bounded by the client's deadline). */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.close(this.timeoutMs + 1000)));
  }

  /**
   * The threads' latest snapshots merged, undefined before any has sent one. The rate is over the snapshots' own
   * time: a snapshot can be up to a second old when the line is printed.
   */
  private mergedProgress(): Progress | undefined {
    const seen = this.threads.flatMap((t) => (t.progress ? [t.progress] : []));
    if (seen.length === 0) return undefined;
    const all = decoded(seen[0]!.all);
    for (const p of seen.slice(1)) all.add(decoded(p.all));
    return progressOf({ answered: seen.reduce((n, p) => n + p.answered, 0), failed: seen.reduce((n, p) => n + p.failed, 0), all }, Math.min(...seen.map((p) => p.elapsedS)));
  }
}
