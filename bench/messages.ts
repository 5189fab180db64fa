/**
 * @module bench/messages
 * What the benchmark's child processes tell the orchestrator over the IPC channel of `fork`, and the one
 * rule every child follows: when the channel closes (the orchestrator ended, however it ended), it exits.
 */

/** A server child is listening. */
export interface ReadyMessage {
  type: "ready";
  /** e.g. https://127.0.0.1:40123 */
  origin: string;
  /** Path of the encrypt API of key `foo` on the mock; the bare server answers any path. */
  encryptPath: string;
  /** The CA that signed the server certificate. */
  caFile: string;
}

/** The load generator starts or ends its measured window (the orchestrator samples server CPU at both). */
export interface PhaseMessage {
  type: "phase";
  phase: "measure-start" | "measure-end";
}

export interface LoadResult {
  mode: "closed" | "open";
  connections: number;
  /** Open loop: the rate asked for. */
  targetRate?: number;
  /** Length of the measured window, ms. */
  elapsedMs: number;
  /** Responses with status 200. */
  ok: number;
  /** Non-200 responses, socket errors and timeouts. */
  errors: number;
  /** First error seen, for the report. */
  firstError?: string;
  /** 200s per second over the measured window. */
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Open loop: how late the generator sent, vs the schedule (timer slack; not in the latencies). */
  sendLagP99Ms?: number;
  /** Open loop: most requests in flight at once. */
  maxInFlight?: number;
  /** Open loop: share of the scheduled sends that left on time, as `load` judges it, %. */
  onTimePct?: number;
  /** Load generator CPU over the window, % of one core. */
  loadCpuPct: number;
  /** Load generator CPU time per answered (and verified) request, µs: what one request costs `load`. */
  loadCpuUsPerRequest: number;
}

export interface ResultMessage {
  type: "result";
  result: LoadResult;
}

/** The orchestrator asks a server child to stop (it exits once its server closed). */
export interface StopMessage {
  type: "stop";
}

export type ChildMessage = ReadyMessage | PhaseMessage | ResultMessage;

/**
 * Sends to the orchestrator, or prints one JSON line when the script runs on its own (e.g. under --cpu-prof).
 * Resolves once the message is handed over, so a child may disconnect right after.
 */
export function report(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.send) process.send(message, undefined, {}, (err) => (err ? reject(err) : resolve()));
    else process.stdout.write(`${JSON.stringify(message)}\n`, () => resolve());
  });
}

/**
 * Calls `stop` once, on a stop message, on the IPC channel closing, or on SIGINT/SIGTERM, then exits 0, so
 * `node --cpu-prof` gets to write its profile and no child outlives the orchestrator.
 */
export function exitWhenTold(stop: () => Promise<void>): void {
  let stopping = false;
  const once = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(0), 3000);
    force.unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`stop failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("message", (m: { type?: unknown }) => {
    if (m?.type === "stop") once();
  });
  process.on("disconnect", once);
  process.once("SIGINT", once);
  process.once("SIGTERM", once);
}
