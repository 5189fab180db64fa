/**
 * @module harness/load/stats
 * What one step measured: an HDR histogram of latency per operation (µs, from the scheduled send time, so a
 * stalled proxy cannot hide its queue: no coordinated omission), one of send lag (how late the generator sent),
 * and the outcome counts in KMS's terms (kms-classify.ts).
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from "hdr-histogram-js";
import type { KmsOutcome as Outcome } from "../../src/client/index.js";
import { LOAD_OPERATIONS, type LoadOperation } from "./options.js";

/** Latencies up to an hour in µs at 3 significant digits; JS histograms, so no WebAssembly start-up. */
const newHistogram = () => build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });

export interface ProxyErrorCount {
  errorType: string;
  exceptionName: string;
  count: number;
  /** The first detail seen, for the human report. */
  example: string;
}

const COUNTERS = ["scheduled", "sent", "onTime", "ok", "kmsTimeouts", "throttles"] as const;

/** A StepStats as a worker thread sends it to the main thread: histograms in HDR's encoded form, the counters as they are. */
export interface StepStatsWire {
  latency: Record<LoadOperation, string>;
  all: string;
  sendLag: string;
  counts: Record<(typeof COUNTERS)[number], number>;
  errors: ProxyErrorCount[];
}

/** Proxy errors are counted per XksProxyErrors type and exception name. */
const errorKey = (e: { errorType: string; exceptionName: string }) => `${e.errorType}/${e.exceptionName}`;

export class StepStats {
  readonly latency = new Map<LoadOperation, Histogram>(LOAD_OPERATIONS.map((op) => [op, newHistogram()]));
  readonly all = newHistogram();
  readonly sendLag = newHistogram();
  scheduled = 0;
  sent = 0;
  /** Sent within ON_TIME_MS of their scheduled time. */
  onTime = 0;
  ok = 0;
  kmsTimeouts = 0;
  throttles = 0;
  readonly errors = new Map<string, ProxyErrorCount>();

  record(op: LoadOperation, latencyMs: number, outcome: Outcome): void {
    const us = Math.max(1, Math.round(latencyMs * 1000));
    this.latency.get(op)!.recordValue(us);
    this.all.recordValue(us);
    if (outcome.kind === "ok") this.ok++;
    else if (outcome.kind === "kms-timeout") this.kmsTimeouts++;
    else if (outcome.kind === "throttle") this.throttles++;
    else {
      const key = errorKey(outcome);
      const e = this.errors.get(key) ?? { errorType: outcome.errorType, exceptionName: outcome.exceptionName, count: 0, example: outcome.detail };
      e.count++;
      this.errors.set(key, e);
    }
  }

  recordSend(lagMs: number, onTime: boolean): void {
    this.sent++;
    if (onTime) this.onTime++;
    this.sendLag.recordValue(Math.max(1, Math.round(lagMs * 1000)));
  }

  toWire(): StepStatsWire {
    return {
      latency: Object.fromEntries(LOAD_OPERATIONS.map((op) => [op, encoded(this.latency.get(op)!)])) as Record<LoadOperation, string>,
      all: encoded(this.all),
      sendLag: encoded(this.sendLag),
      counts: Object.fromEntries(COUNTERS.map((c) => [c, this[c]])) as StepStatsWire["counts"],
      errors: [...this.errors.values()],
    };
  }

  /** Adds another thread's stats of the same step: counts sum, histograms merge bucket by bucket. */
  add(w: StepStatsWire): void {
    for (const op of LOAD_OPERATIONS) this.latency.get(op)!.add(decoded(w.latency[op]));
    this.all.add(decoded(w.all));
    this.sendLag.add(decoded(w.sendLag));
    for (const c of COUNTERS) this[c] += w.counts[c];
    for (const e of w.errors) {
      const key = errorKey(e);
      const mine = this.errors.get(key);
      if (mine) mine.count += e.count;
      else this.errors.set(key, { ...e });
    }
  }

  get answered(): number {
    return this.all.totalCount;
  }

  /** Every call that failed as KMS sees it: timeouts, throttles and proxy errors. */
  get failed(): number {
    let n = this.kmsTimeouts + this.throttles;
    for (const e of this.errors.values()) n += e.count;
    return n;
  }
}

export interface Percentiles {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

const ms = (us: number) => Math.round(us / 10) / 100;

export function percentiles(h: Histogram): Percentiles {
  // HDR answers a percentile with the top of its bucket, which can lie above the exact maximum it also keeps:
  // no percentile is reported above the slowest call actually seen.
  const at = (p: number) => ms(Math.min(h.getValueAtPercentile(p), h.maxValue));
  return { count: h.totalCount, p50Ms: at(50), p90Ms: at(90), p99Ms: at(99), p999Ms: at(99.9), maxMs: ms(h.maxValue) };
}

/** HDR's compressed Base64 form, readable by any HdrHistogram implementation (values in µs). */
export function encoded(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

/** The histogram of an encoded form (JS, like newHistogram). */
export function decoded(hdr: string): Histogram {
  return decodeFromCompressedBase64(hdr, 32, false);
}
