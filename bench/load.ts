/**
 * @module bench/load
 * The load generator, in its own process: `xks-harness load`'s own request engine (harness/load/engine.ts and
 * operations.ts: each Encrypt signed when sent, its answer verified by src/xks/answers.ts), over an undici Pool
 * of keep-alive HTTPS connections that trusts the dev CA, so what bench measures of the generator is what users
 * run. Against the yardsticks (bare, bare-xks), whose answers carry no CDIV, the verification still runs; only
 * against the mock (--verify) does a failed one count as an error. Two modes:
 * - closed: `connections` workers each send, await the answer, send again — the most the target serves;
 * - open: requests sent on a fixed schedule (`rate` per second) whatever the answers do, so a slow answer
 *   cannot slow the offered load (no coordinated omission); latency runs from the send to the last byte. The
 *   schedule is harness/load/schedule.ts, the one `xks-harness load` uses.
 * One warm-up of the same mode precedes the measured window. Every loop is bounded by time and by count.
 *   node dist/bench/load.js --url https://127.0.0.1:PORT/example/uri/path/prefix/kms/xks/v1/keys/foo/encrypt \
 *     --ca certs/ca.pem --mode closed --seconds 5 --connections 8
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { summarize } from "./latency-stats.js";
import { report, type LoadResult } from "./messages.js";
import { AAD_BYTES, PLAINTEXT_BYTES } from "./signed-requests.js";
import { PUBLIC_TEST_CREDENTIAL } from "../src/proxy/config-schema.js";
import { DEFAULT_XKS_TPS } from "../src/xks/index.js";
import { LoadEngine } from "../harness/load/engine.js";
import { callFactory, type CallFactory } from "../harness/load/operations.js";
import { openLoop } from "../harness/load/schedule.js";
import { ON_TIME_MS } from "../harness/load/step.js";

interface LoadOptions {
  url: URL;
  ca: string;
  mode: "closed" | "open";
  seconds: number;
  warmupSeconds: number;
  connections: number;
  /** Open loop only. */
  rate: number;
  /** A 200 whose answer fails verification is an error (the mock); else only the verification's cost counts. */
  verify: boolean;
}

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
  schedule?: { sendLagP99Ms: number; maxInFlight: number; onTimePct: number };
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
async function sendOne(calls: CallFactory, i: number, verify: boolean, tally: Tally): Promise<void> {
  const start = performance.now();
  try {
    const call = calls.next("encrypt", i);
    const res = await call.send();
    if (res.status === 200) {
      const wrong = call.verify(res);
      if (tally.closed) return;
      if (!wrong || !verify) {
        tally.latencies.push(performance.now() - start);
        tally.ok++;
        return;
      }
      tally.errors++;
      tally.firstError ??= wrong.detail;
      return;
    }
    if (tally.closed) return;
    tally.errors++;
    tally.firstError ??= `HTTP ${res.status} ${res.text.slice(0, 200)}`;
  } catch (err) {
    if (tally.closed) return;
    tally.errors++;
    tally.firstError ??= `${(err as { code?: string }).code ?? ""} ${(err as Error).message}`.trim();
  }
}

async function closedLoop(calls: CallFactory, verify: boolean, o: { seconds: number; connections: number }): Promise<WindowResult> {
  const tally = newTally();
  const start = performance.now();
  const end = start + o.seconds * 1000;
  let next = 0;
  let lastDone = start;
  const worker = async () => {
    while (performance.now() < end && next < MAX_CLOSED_REQUESTS) {
      await sendOne(calls, next++, verify, tally);
      lastDone = performance.now();
    }
  };
  await Promise.all(Array.from({ length: o.connections }, worker));
  return { tally, elapsedMs: lastDone - start };
}

async function openLoopWindow(calls: CallFactory, verify: boolean, o: { seconds: number; rate: number }): Promise<WindowResult> {
  const tally = newTally();
  const lags: number[] = [];
  const total = Math.max(1, Math.round(o.rate * o.seconds));
  // Past this, stop sending (the generator itself fell behind) and stop waiting: a target that cannot keep up
  // would otherwise hold the run for as long as its queue takes to drain.
  const sendDeadlineMs = o.seconds * 1000 + 1000;
  const drainDeadlineMs = sendDeadlineMs + OPEN_LOOP_DRAIN_MS;
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
    void sendOne(calls, i, verify, tally).then(() => {
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
  // On time as `load` judges a send (harness/load/step.ts): within ON_TIME_MS, or before the next one is due.
  const bound = Math.max(ON_TIME_MS, 1000 / o.rate);
  const onTimePct = lags.length ? (lags.filter((l) => l <= bound).length / total) * 100 : 0;
  return { tally, elapsedMs: end - start, schedule: { sendLagP99Ms: summarize(lags).p99Ms, maxInFlight, onTimePct } };
}

/** One request before anything is timed: a target that does not answer 200 with a ciphertext is not benchmarked. */
async function checkTarget(calls: CallFactory): Promise<void> {
  const res = await calls.next("encrypt", 0).send();
  if (res.status !== 200 || typeof (res.json as { ciphertext?: unknown } | undefined)?.ciphertext !== "string") {
    throw new Error(`target did not answer a signed Encrypt with 200 and a ciphertext: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  }
}

async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const [, base, keyId] = /^(.*)\/keys\/([^/]+)\/encrypt$/.exec(o.url.pathname) ?? [];
  if (base === undefined || keyId === undefined) throw new Error(`--url ${o.url.href}: must end in /keys/<key id>/encrypt`);
  const pool = new Pool(o.url.origin, {
    connections: o.connections,
    pipelining: 1,
    connect: { ca: o.ca },
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 60_000,
    headersTimeout: REQUEST_TIMEOUT_MS,
    bodyTimeout: REQUEST_TIMEOUT_MS,
  });
  const engine = new LoadEngine({ baseUrl: o.url.origin + base, region: "us-east-1", credential: PUBLIC_TEST_CREDENTIAL }, pool, REQUEST_TIMEOUT_MS);
  const calls = callFactory(engine, [decodeURIComponent(keyId)], [], { plaintextBytes: PLAINTEXT_BYTES, aadBytes: AAD_BYTES });
  try {
    await checkTarget(calls);
    const run = (seconds: number): Promise<WindowResult> =>
      o.mode === "closed" ? closedLoop(calls, o.verify, { seconds, connections: o.connections }) : openLoopWindow(calls, o.verify, { seconds, rate: o.rate });
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
      loadCpuUsPerRequest: tally.ok > 0 ? (used.user + used.system) / tally.ok : Number.NaN,
    };
  } finally {
    engine.close();
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
      verify: { type: "boolean", default: false },
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
    verify: values.verify,
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
