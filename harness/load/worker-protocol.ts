/**
 * @module harness/load/worker-protocol
 * What the main thread and the load worker threads (`--workers N`) say to each other. Everything here crosses
 * postMessage (structured clone): plain data only, histograms in HDR's encoded form.
 */
import type { LoadOptions } from "./options.js";
import type { Sealed } from "./operations.js";
import type { StepStatsWire } from "./stats.js";
import type { StepPlan } from "./step.js";

/** A worker's start data (workerData). */
export interface WorkerInit {
  options: LoadOptions;
  /** The warm-up's ciphertexts, made once by the main thread, for every worker's decrypts. */
  sealed: Sealed[];
  /** This worker's part of every schedule: sends index, index + of, … */
  index: number;
  of: number;
  /** This worker's share of the --connections bound. */
  connections: number;
}

export type ToWorker =
  /** Run a step; `startEpochMs` (performance.timeOrigin + now, shared by all threads) is its first send. */
  | { type: "step"; plan: StepPlan; startEpochMs: number; progress: boolean }
  /** Ctrl-C: end the step's schedule now, await what is in flight, report. */
  | { type: "stop" }
  /** Close the pool and end the thread. */
  | { type: "close" };

export type FromWorker =
  | { type: "ready" }
  /** Every second of a step when asked: enough for the merged progress line. */
  | { type: "progress"; elapsedS: number; answered: number; failed: number; all: string }
  | { type: "step-done"; stats: StepStatsWire; elapsedMs: number; stopped: boolean; connections: { connectionsOpened: number; tlsHandshakes: number } };
