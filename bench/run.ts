/**
 * @module bench/run
 * `npm run bench`: the mock against a bare Node https server (and, for information, one doing only the spec's
 * per-request work: serve-bare-xks.ts), each alone in a child process, loaded by another process over keep-alive
 * HTTPS with signed Encrypt requests; prints req/s, p50/p99 and the verdicts of the speed targets
 * (bench-report.ts), the start time of both CLIs against `node -e 0` among them (cli-start.ts).
 * This process only spawns, samples server and generator CPU and collects results. Knobs: BENCH_SECONDS,
 * BENCH_CONNECTIONS, BENCH_RATE, BENCH_PIN (bench-options.ts). Flags: --json (print the results as JSON
 * instead of the table), --cpu-prof (profile the servers; slows them, so the numbers are not comparable).
 * Exits 0 whatever the verdicts; 1 only when a process failed.
 */
import { mkdtempSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { defaultCertsDir } from "../src/pki/certs-dir.js";
import { ensureDevPki } from "../src/pki/dev-pki-files.js";
import { PROXY_NODE_FLAGS } from "../src/bin/node-flags.js";
import { benchOptionsFromEnv, type BenchOptions } from "./bench-options.js";
import { canPin, clockTicksPerSecond, cpuTimeMs, forkChild, systemBusyMs, type StartedChild } from "./bench-child.js";
import { formatTable, judge, type BenchTarget, type RunResult } from "./bench-report.js";
import { measureCliStart } from "./cli-start.js";
import type { ChildMessage, PhaseMessage, ReadyMessage, ResultMessage } from "./messages.js";

const here = dirname(fileURLToPath(import.meta.url));
const SERVER_CPU = 0;
const LOAD_CPU = 1;
const READY_TIMEOUT_MS = 20_000;

const isReady = (m: ChildMessage): m is ReadyMessage => m.type === "ready";
const isResult = (m: ChildMessage): m is ResultMessage => m.type === "result";

const children = new Set<StartedChild>();

async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop()));
  children.clear();
}

function track(child: StartedChild): StartedChild {
  children.add(child);
  void child.exited.then(() => children.delete(child));
  return child;
}

async function loadRun(
  options: BenchOptions,
  target: BenchTarget,
  server: { child: StartedChild; ready: ReadyMessage },
  mode: "closed" | "open",
  pin: boolean,
  ticks: number,
): Promise<RunResult> {
  const load = track(
    forkChild(`load generator (${target}, ${mode})`, join(here, "load.js"), {
      args: [
        "--url", `${server.ready.origin}${server.ready.encryptPath}`,
        "--ca", server.ready.caFile,
        "--mode", mode,
        "--seconds", String(options.seconds),
        "--warmup-seconds", String(options.warmupSeconds),
        "--connections", String(options.connections),
        "--rate", String(options.rate),
        // Only the mock's answers can pass: the yardsticks send no CDIV (their verification still runs).
        ...(target === "mock" ? ["--verify"] : []),
      ],
      cpu: pin ? LOAD_CPU : undefined,
    }),
  );
  // CPU time over exactly the measured window, sampled when the generator says it starts and ends.
  const sample = () => {
    const self = process.cpuUsage();
    return {
      at: performance.now(),
      server: cpuTimeMs(server.child.pid, ticks),
      load: cpuTimeMs(load.pid, ticks),
      self: (self.user + self.system) / 1000,
      system: systemBusyMs(ticks),
    };
  };
  let first: ReturnType<typeof sample> | undefined;
  let last: ReturnType<typeof sample> | undefined;
  load.process.on("message", (m: PhaseMessage) => {
    if (m.type !== "phase") return;
    if (m.phase === "measure-start") first = sample();
    else last = sample();
  });
  // load.ts bounds each window (open loop: 1 s of lateness, then 2 s for answers; closed loop: the 5 s request
  // timeout); this is the backstop should the generator itself hang, with room for its start-up and signing.
  const timeoutMs = (options.warmupSeconds + options.seconds) * 1000 * 2 + 30_000;
  const { result } = await load.waitFor(isResult, timeoutMs);
  const code = await load.exited;
  if (code !== 0) throw new Error(`${load.name} exited with code ${code}:\n${load.output()}`);
  const share = (pick: (s: NonNullable<typeof first>) => number | undefined) => {
    const a = first && pick(first);
    const b = last && pick(last);
    return first && last && a !== undefined && b !== undefined && last.at > first.at ? ((b - a) / (last.at - first.at)) * 100 : undefined;
  };
  const serverCpuPct = share((s) => s.server);
  const serverCpuUsPerRequest = first?.server !== undefined && last?.server !== undefined && result.ok > 0 ? ((last.server - first.server) * 1000) / result.ok : undefined;
  const ours = share((s) => (s.server === undefined || s.load === undefined ? undefined : s.server + s.load + s.self));
  const all = share((s) => s.system);
  // The other server is not running; what is left is someone else's work.
  const otherCpuPct = ours !== undefined && all !== undefined ? Math.max(0, all - ours) : undefined;
  // The generator's CPU as /proc saw it (its whole process), as for the servers; its own count when /proc is absent.
  const loadCpuPct = share((s) => s.load) ?? result.loadCpuPct;
  return { target, ...result, loadCpuPct, serverCpuPct, serverCpuUsPerRequest, otherCpuPct };
}

async function main(): Promise<number> {
  const { values: flags } = parseArgs({ options: { json: { type: "boolean", default: false }, "cpu-prof": { type: "boolean", default: false } }, strict: true });
  const options = benchOptionsFromEnv(process.env);
  const pin = options.pin && canPin(availableParallelism());
  const ticks = clockTicksPerSecond();
  const profileDir = flags["cpu-prof"] ? mkdtempSync(join(tmpdir(), "xks-bench-prof-")) : undefined;
  const profile = (name: string) => (profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : []);
  const log = (text: string) => {
    if (!flags.json) process.stderr.write(`${text}\n`);
  };

  // Made once here, before either server starts.
  await ensureDevPki(defaultCertsDir());
  // First, while no server runs: a start measured beside a loaded server would measure the server.
  log("timing the CLIs' start against node -e 0...");
  const cliStart = measureCliStart();
  const start = async (target: BenchTarget) => {
    // Both servers run with the flags the mock always runs with (src/bin/node-flags.ts): same Node, same heap.
    const execArgv = [...PROXY_NODE_FLAGS, ...profile(target)];
    const child = track(forkChild(`${target} server`, join(here, `serve-${target}.js`), { execArgv, cpu: pin ? SERVER_CPU : undefined }));
    return { child, ready: await child.waitFor(isReady, READY_TIMEOUT_MS) };
  };
  const results: RunResult[] = [];
  let pinned = pin;
  // One server at a time: an idle Node process still runs timers and GC work (V8's memory reducer) that would
  // take the shared CPU from the other one in the middle of its measurement.
  const plan: [BenchTarget, ("closed" | "open")[]][] = [
    ["mock", ["closed", "open"]],
    ["bare", ["closed", "open"]],
    // Its open loop is the mock's p99 yardstick: the spec's own work at the same rate, in the same run.
    ["bare-xks", ["closed", "open"]],
  ];
  for (const [target, modes] of plan) {
    const server = await start(target);
    pinned &&= server.child.pinned;
    for (const mode of modes) {
      log(`running ${target} ${mode}-loop (${options.warmupSeconds} s warm-up + ${options.seconds} s)...`);
      results.push(await loadRun(options, target, server, mode, pin, ticks));
    }
    await server.child.stop();
  }

  const report = judge(options, pinned, results, cliStart);
  if (flags.json) process.stdout.write(`${JSON.stringify({ ...report, ...(profileDir ? { profileDir } : {}) }, null, 2)}\n`);
  else {
    process.stdout.write(`${formatTable(report)}\n`);
    if (profileDir) process.stdout.write(`CPU profiles (servers ran under the profiler: numbers above are not comparable): ${profileDir}\n`);
  }
  return 0;
}

let interrupted = false;
const onSignal = (signal: NodeJS.Signals) => {
  interrupted = true;
  void stopAll().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
};
process.once("SIGINT", onSignal);
process.once("SIGTERM", onSignal);

try {
  process.exitCode = await main();
} catch (err) {
  // Interrupted: the children were stopped on purpose, their exits are not failures to report.
  if (!interrupted) process.stderr.write(`bench failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
