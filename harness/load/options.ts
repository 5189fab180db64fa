/**
 * @module harness/load/options
 * The flags of `xks-harness load` turned into LoadOptions, every value checked here, before any traffic.
 * Connection settings come from harness/common (the same precedence as `check`).
 */
import { availableParallelism } from "node:os";
import { DEFAULT_XKS_TPS } from "../../src/xks/index.js";
import type { ConnectionFlagValues } from "../common/connection-flags.js";
import { assertReportPaths } from "../common/report-flags.js";
import { readCaFiles, readClientCertificate } from "../common/read-files.js";
import { resolveSettings, type XksSettings } from "../common/settings.js";
import { UsageError } from "../common/usage-error.js";
import { DEFAULT_MIX } from "./defaults.js";

export const LOAD_OPERATIONS = ["encrypt", "decrypt", "metadata", "health"] as const;
export type LoadOperation = (typeof LOAD_OPERATIONS)[number];
/**
 * Keep-alive connections at most. Unbounded, a slow moment makes the pool open a connection (and a TLS handshake)
 * per request in flight, and the handshakes then eat the CPU both sides need: a measured run at 1800 req/s opened
 * 8,000 connections and served 700 req/s. 32 keep-alive connections carry far more than KMS's quota.
 */
export const DEFAULT_CONNECTIONS = 32;

export interface LoadFlags extends ConnectionFlagValues {
  rate?: string;
  duration: string;
  findMax: boolean;
  from?: string;
  step?: string;
  to?: string;
  mix: string;
  plaintextBytes: string;
  aadBytes: string;
  connections?: string;
  workers: string;
  p99BudgetMs: string;
  maxErrorRate: string;
  maxRequests?: string;
  json: boolean;
  junit?: string;
  html?: string;
  yes: boolean;
  /** Send nothing: write an Artillery scenario into this directory (harness/load/artillery/emit.ts). */
  emitArtillery?: string;
}

export interface LoadOptions {
  settings: XksSettings;
  region: string;
  keyIds: string[];
  extraCa: string[];
  clientCert?: { cert: string; key: string } | undefined;
  timeoutMs: number;
  /** Rates of the steps, req/s: one for a fixed rate, several for --find-max. */
  rates: number[];
  findMax: boolean;
  durationS: number;
  mix: Record<LoadOperation, number>;
  plaintextBytes: number;
  aadBytes: number;
  /** Bound on keep-alive connections of all worker threads together. */
  connections: number;
  /** Worker threads sending the load (1: the main thread sends it). */
  workers: number;
  p99BudgetMs: number;
  maxErrorRate: number;
  maxRequests: number;
  json: boolean;
  junit?: string | undefined;
  html?: string | undefined;
  yes: boolean;
}

function num(value: string, flag: string, min: number, max: number, integer = true, why = ""): number {
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new UsageError(`${flag} ${value}: must be ${integer ? "an integer" : "a number"} from ${min} to ${max}${why ? ` ${why}` : ""}`);
  }
  return n;
}

/** Worker threads per CPU at most: more only share the same cores, and each holds its own pool and client. */
const WORKERS_PER_CPU = 4;
const maxWorkers = () => WORKERS_PER_CPU * availableParallelism();

/** Each worker thread has its own pool, so the bound is split: it must give each at least one connection. */
function workerConnections(connections: number, workers: number): number {
  if (connections < workers) throw new UsageError(`--connections ${connections} is below --workers ${workers}: the pool bound is split across the worker threads and each needs at least one connection. Fix: --connections ${workers} or more, or fewer --workers`);
  return connections;
}

/** `encrypt=55,decrypt=40,...`: weights of the four operations; missing ones weigh 0, the sum must be > 0. */
export function parseMix(text: string): Record<LoadOperation, number> {
  const mix: Record<LoadOperation, number> = { encrypt: 0, decrypt: 0, metadata: 0, health: 0 };
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [name, weight] = part.split("=");
    if (!LOAD_OPERATIONS.includes(name as LoadOperation) || weight === undefined) {
      throw new UsageError(`--mix ${text}: "${part}" is not op=weight with op one of ${LOAD_OPERATIONS.join(", ")}. Fix: e.g. --mix ${DEFAULT_MIX}`);
    }
    mix[name as LoadOperation] = num(weight, `--mix ${name}`, 0, 1_000_000, false);
  }
  if (Object.values(mix).every((w) => w === 0)) throw new UsageError(`--mix ${text}: all weights are 0. Fix: e.g. --mix ${DEFAULT_MIX}`);
  return mix;
}

/** The rates --find-max walks: from, from+step, ... up to `to`. */
export function findMaxRates(from: number, step: number, to: number): number[] {
  if (to < from) throw new UsageError(`--to ${to} is below --from ${from}. Fix: --to must be at least --from`);
  const rates: number[] = [];
  for (let r = from; r <= to; r += step) rates.push(r);
  return rates;
}

export function toLoadOptions(f: LoadFlags, env: NodeJS.ProcessEnv): LoadOptions {
  assertReportPaths(f);
  const workers = num(f.workers, "--workers", 1, maxWorkers(), true, `(${WORKERS_PER_CPU} per CPU of this machine). Fix: e.g. --workers ${Math.min(2, maxWorkers())}`);
  if (f.findMax && f.rate !== undefined) throw new UsageError("--rate and --find-max exclude each other. Fix: give one (--find-max walks --from/--step/--to)");
  if (!f.findMax && (f.from ?? f.step ?? f.to) !== undefined) throw new UsageError("--from, --step and --to go with --find-max. Fix: add --find-max, or give --rate");
  const mix = parseMix(f.mix);
  if (f.keyId.length === 0 && mix.encrypt + mix.decrypt + mix.metadata > 0) {
    throw new UsageError("--key-id is needed for encrypt, decrypt and metadata calls. Fix: give --key-id (repeatable), or --mix health=1");
  }
  const rates = f.findMax
    ? findMaxRates(num(f.from ?? "600", "--from", 1, 100_000), num(f.step ?? "600", "--step", 1, 100_000), num(f.to ?? String(DEFAULT_XKS_TPS * 2), "--to", 1, 100_000))
    : [num(f.rate ?? String(DEFAULT_XKS_TPS), "--rate", 1, 100_000)];
  return {
    settings: resolveSettings(f, env),
    region: f.region,
    keyIds: f.keyId,
    extraCa: readCaFiles(f.ca),
    clientCert: readClientCertificate(f.clientCert, f.clientKey),
    timeoutMs: f.timeoutMs,
    rates,
    findMax: f.findMax,
    durationS: num(f.duration, "--duration", 1, 3600),
    mix,
    plaintextBytes: num(f.plaintextBytes, "--plaintext-bytes", 1, 4096),
    aadBytes: num(f.aadBytes, "--aad-bytes", 0, 8192),
    connections: workerConnections(num(f.connections ?? String(Math.max(DEFAULT_CONNECTIONS, workers)), "--connections", 1, 10_000), workers),
    workers,
    p99BudgetMs: num(f.p99BudgetMs, "--p99-budget-ms", 1, 60_000),
    maxErrorRate: num(f.maxErrorRate, "--max-error-rate", 0, 1, false),
    maxRequests: f.maxRequests === undefined ? Number.MAX_SAFE_INTEGER : num(f.maxRequests, "--max-requests", 1, 1e9),
    json: f.json,
    junit: f.junit,
    html: f.html,
    yes: f.yes,
  };
}
