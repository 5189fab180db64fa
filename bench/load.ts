/**
 * @module bench/load
 * The load generator, in its own process: pre-signed Encrypt requests over an undici Pool of keep-alive
 * HTTPS connections that trusts the dev CA. Two modes:
 * - closed: `connections` workers each send, await the answer, send again — the most the target serves;
 * - open: requests sent on a fixed schedule (`rate` per second) whatever the answers do, so a slow answer
 *   cannot slow the offered load (no coordinated omission); latency runs from the send to the last byte. The
 *   schedule is harness/load/schedule.ts, the one `xks-harness load` uses.
 * One warm-up of the same mode precedes the measured window. Every loop is bounded by time and by count.
 *   node dist/bench/load.js --url https://127.0.0.1:PORT/example/uri/path/prefix/kms/xks/v1/keys/foo/encrypt \
 *     --ca certs/ca.pem --mode closed --seconds 5 --connections 8
 */
import { setMaxListeners } from "node:events";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { summarize } from "./latency-stats.js";
import { report, type LoadResult } from "./messages.js";
import { signEncryptRequests, type SignedRequest } from "./signed-requests.js";
import { DEFAULT_XKS_TPS } from "../src/xks/index.js";
import { openLoop } from "../harness/load/schedule.js";

interface LoadOptions {
  url: URL;
  ca: string;
  mode: "closed" | "open";
  seconds: number;
  warmupSeconds: number;
  connections: number;
  /** Open loop only. */
  rate: number;
}

/** Distinct signed requests, cycled through. */
const SIGNED_REQUESTS = 2000;
/** Hard cap on requests of one closed-loop window, whatever the speed. */
const MAX_CLOSED_REQUESTS = 5_000_000;
/** Open loop: how long after its last scheduled send a window waits for answers. */
const OPEN_LOOP_DRAIN_MS = 2000;
/** Per-request bound (headers, then body). */
const REQUEST_TIMEOUT_MS = 5000;

interface WindowResult {
  tally: Tally;
  elapsedMs: number;
  /** Open loop only. */
  schedule?: { sendLagP99Ms: number; maxInFlight: number };
}

interface Tally {
  latencies: number[];
  ok: number;
  errors: number;
  firstError?: string;
  /** Set when the window is over: answers arriving later (or aborted) are not counted. */
  closed: boolean;
}

function newTally(): Tally {
  return { latencies: [], ok: 0, errors: 0, closed: false };
}

/** Sends one request; records its latency on a 200, else counts an error. Never rejects. */
async function sendOne(pool: Pool, r: SignedRequest, tally: Tally, signal?: AbortSignal): Promise<void> {
  const start = performance.now();
  try {
    const res = await pool.request({ path: r.path, method: "POST", headers: r.headers, body: r.body, ...(signal ? { signal } : {}) });
    if (res.statusCode === 200) {
      await res.body.dump();
      if (tally.closed) return;
      tally.latencies.push(performance.now() - start);
      tally.ok++;
      return;
    }
    const text = await res.body.text();
    if (tally.closed) return;
    tally.errors++;
    tally.firstError ??= `HTTP ${res.statusCode} ${text.slice(0, 200)}`;
  } catch (err) {
    if (tally.closed) return;
    tally.errors++;
    tally.firstError ??= `${(err as { code?: string }).code ?? ""} ${(err as Error).message}`.trim();
  }
}

async function closedLoop(pool: Pool, requests: SignedRequest[], o: { seconds: number; connections: number }): Promise<WindowResult> {
  const tally = newTally();
  const start = performance.now();
  const end = start + o.seconds * 1000;
  let next = 0;
  let lastDone = start;
  const worker = async () => {
    while (performance.now() < end && next < MAX_CLOSED_REQUESTS) {
      await sendOne(pool, requests[next++ % requests.length]!, tally);
      lastDone = performance.now();
    }
  };
  await Promise.all(Array.from({ length: o.connections }, worker));
  return { tally, elapsedMs: lastDone - start };
}

async function openLoopWindow(pool: Pool, requests: SignedRequest[], o: { seconds: number; rate: number }): Promise<WindowResult> {
  const tally = newTally();
  const lags: number[] = [];
  const total = Math.max(1, Math.round(o.rate * o.seconds));
  // Past this, stop sending (the generator itself fell behind) and stop waiting: a target that cannot keep up
  // would otherwise hold the run for as long as its queue takes to drain.
  const sendDeadlineMs = o.seconds * 1000 + 1000;
  const drainDeadlineMs = sendDeadlineMs + OPEN_LOOP_DRAIN_MS;
  const abort = new AbortController();
  // Every request in flight listens on this one signal; hundreds at once is the design, not a leak.
  setMaxListeners(0, abort.signal);
  let inFlight = 0;
  let maxInFlight = 0;
  let allSent = false;
  let end = 0;
  let resolveDrained = () => {};
  const drained = new Promise<void>((resolve) => (resolveDrained = resolve));
  // Once: answers arriving later (or aborted) are not counted.
  const finish = () => {
    if (tally.closed) return;
    tally.closed = true;
    end = performance.now();
    resolveDrained();
  };
  const start = performance.now();
  // The schedule is the one `xks-harness load` sends by (harness/load/schedule.ts): what the bench measures of the generator holds for the command.
  const sending = openLoop({ start, intervalMs: 1000 / o.rate, count: total, sendDeadline: start + sendDeadlineMs }, (scheduledAt, i) => {
    lags.push(performance.now() - scheduledAt);
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    void sendOne(pool, requests[i % requests.length]!, tally, abort.signal).then(() => {
      inFlight--;
      if (allSent && inFlight === 0) finish();
    });
  });
  const drain = setTimeout(() => {
    if (tally.closed) return;
    // Count the unanswered once, then abort them; the tally is closed, so their rejections are not counted again.
    tally.errors += inFlight;
    tally.firstError ??= `${inFlight} requests unanswered ${drainDeadlineMs} ms after the start`;
    finish();
  }, start + drainDeadlineMs - performance.now());
  const { sent } = await sending;
  if (sent < total) {
    tally.errors += total - sent;
    tally.firstError ??= `load generator fell behind: ${total - sent} requests never sent`;
  }
  allSent = true;
  if (inFlight === 0) finish();
  await drained;
  clearTimeout(drain);
  abort.abort();
  return { tally, elapsedMs: end - start, schedule: { sendLagP99Ms: summarize(lags).p99Ms, maxInFlight } };
}

/** One request before anything is timed: a target that does not answer 200 with a ciphertext is not benchmarked. */
async function checkTarget(pool: Pool, r: SignedRequest): Promise<void> {
  const res = await pool.request({ path: r.path, method: "POST", headers: r.headers, body: r.body });
  const text = await res.body.text();
  let json: { ciphertext?: unknown } | undefined;
  try {
    json = JSON.parse(text) as { ciphertext?: unknown };
  } catch {
    json = undefined;
  }
  if (res.statusCode !== 200 || typeof json?.ciphertext !== "string") {
    throw new Error(`target did not answer a signed Encrypt with 200 and a ciphertext: HTTP ${res.statusCode} ${text.slice(0, 300)}`);
  }
}

async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const requests = signEncryptRequests({ host: o.url.host, path: o.url.pathname, count: SIGNED_REQUESTS });
  const pool = new Pool(o.url.origin, {
    connections: o.connections,
    pipelining: 1,
    connect: { ca: o.ca },
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 60_000,
    headersTimeout: REQUEST_TIMEOUT_MS,
    bodyTimeout: REQUEST_TIMEOUT_MS,
  });
  try {
    await checkTarget(pool, requests[0]!);
    const run = (seconds: number): Promise<WindowResult> =>
      o.mode === "closed" ? closedLoop(pool, requests, { seconds, connections: o.connections }) : openLoopWindow(pool, requests, { seconds, rate: o.rate });
    if (o.warmupSeconds > 0) await run(o.warmupSeconds);

    await report({ type: "phase", phase: "measure-start" });
    const cpu = process.cpuUsage();
    const r = await run(o.seconds);
    const used = process.cpuUsage(cpu);
    await report({ type: "phase", phase: "measure-end" });

    const { tally, elapsedMs } = r;
    const stats = summarize(tally.latencies);
    return {
      mode: o.mode,
      connections: o.connections,
      ...(o.mode === "open" ? { targetRate: o.rate } : {}),
      elapsedMs,
      ok: tally.ok,
      errors: tally.errors,
      ...(tally.firstError !== undefined ? { firstError: tally.firstError } : {}),
      rps: elapsedMs > 0 ? (tally.ok * 1000) / elapsedMs : 0,
      ...stats,
      ...r.schedule,
      loadCpuPct: elapsedMs > 0 ? ((used.user + used.system) / 1000 / elapsedMs) * 100 : 0,
    };
  } finally {
    await pool.destroy();
  }
}

function optionsFromArgv(argv: string[]): LoadOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      ca: { type: "string" },
      mode: { type: "string", default: "closed" },
      seconds: { type: "string", default: "5" },
      "warmup-seconds": { type: "string", default: "1" },
      connections: { type: "string", default: "8" },
      rate: { type: "string", default: String(DEFAULT_XKS_TPS) },
    },
    strict: true,
  });
  const positive = (name: string, text: string) => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} ${text}: must be a number >= 0`);
    return n;
  };
  if (!values.url) throw new Error("--url is required: the full encrypt URL, e.g. https://127.0.0.1:8443/example/uri/path/prefix/kms/xks/v1/keys/foo/encrypt");
  if (!(Number(values.rate) > 0)) throw new Error(`--rate ${values.rate}: must be a number > 0`);
  if (!values.ca) throw new Error("--ca is required: the PEM file of the CA that signed the server certificate");
  if (values.mode !== "closed" && values.mode !== "open") throw new Error(`--mode ${values.mode}: must be closed or open`);
  const connections = positive("connections", values.connections);
  if (!Number.isInteger(connections) || connections < 1) throw new Error(`--connections ${values.connections}: must be a whole number >= 1`);
  return {
    url: new URL(values.url),
    ca: readFileSync(values.ca, "utf8"),
    mode: values.mode,
    seconds: positive("seconds", values.seconds),
    warmupSeconds: positive("warmup-seconds", values["warmup-seconds"]),
    connections,
    rate: positive("rate", values.rate),
  };
}

// Forked by run.ts: if the orchestrator goes away mid-run, so does the load.
let done = false;
process.on("disconnect", () => {
  if (!done) process.exit(1);
});
try {
  const result = await runLoad(optionsFromArgv(process.argv.slice(2)));
  done = true;
  await report({ type: "result", result });
  process.disconnect?.();
} catch (err) {
  done = true;
  process.stderr.write(`load: ${(err as Error).message}\n`);
  process.exitCode = 1;
  process.disconnect?.();
}
