/**
 * @module bench/bench-options
 * The benchmark's knobs, read from the environment once and checked at the edge: a bad value stops the run
 * with the variable's name, the rule and an example (as the proxy's own config does).
 */
import { DEFAULT_XKS_TPS } from "../src/xks/index.js";

export interface BenchOptions {
  /** Measured seconds of each run (after its warm-up). BENCH_SECONDS. @default 5 */
  seconds: number;
  /** Keep-alive connections the load generator opens. BENCH_CONNECTIONS. @default 8 */
  connections: number;
  /** Requests per second of the open-loop run. BENCH_RATE. @default 1800 (KMS's default XKS TPS) */
  rate: number;
  /** Warm-up before each measured window, same mode: min(1, seconds). */
  warmupSeconds: number;
  /** Pin the servers to CPU 0 and the load generator to CPU 1 with taskset. BENCH_PIN=0 turns it off. @default true */
  pin: boolean;
}

/** Signatures stay valid for 5 minutes (spec Appendix A) and every run replays pre-signed requests: stay well inside. */
const MAX_SECONDS = 120;

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, ok: (n: number) => boolean, rule: string, example: string): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || !ok(n)) throw new Error(`${name}=${text.slice(0, 20)}: must be ${rule}. Fix: e.g. ${name}=${example}`);
  return n;
}

export function benchOptionsFromEnv(env: NodeJS.ProcessEnv): BenchOptions {
  const seconds = numberFrom(env, "BENCH_SECONDS", 5, (n) => n > 0 && n <= MAX_SECONDS, `a number of seconds in (0, ${MAX_SECONDS}]`, "5");
  return {
    seconds,
    warmupSeconds: Math.min(1, seconds),
    connections: numberFrom(env, "BENCH_CONNECTIONS", 8, (n) => Number.isInteger(n) && n >= 1 && n <= 1024, "a whole number in 1..1024", "8"),
    rate: numberFrom(env, "BENCH_RATE", DEFAULT_XKS_TPS, (n) => n > 0 && n <= 1_000_000, "requests per second in (0, 1000000]", String(DEFAULT_XKS_TPS)),
    pin: !/^(0|false|no)$/i.test(env.BENCH_PIN ?? ""),
  };
}
