/**
 * @module harness/load/stats
 * What one step measured: an HDR histogram of latency per operation (µs, from the scheduled send time, so a
 * stalled proxy cannot hide its queue: no coordinated omission), one of send lag (how late the generator sent),
 * and the outcome counts in KMS's terms (kms-classify.ts).
 */
import { build, encodeIntoCompressedBase64, type Histogram } from "hdr-histogram-js";
import type { Outcome } from "./kms-classify.js";
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
      const key = `${outcome.errorType}/${outcome.exceptionName}`;
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
  return {
    count: h.totalCount,
    p50Ms: ms(h.getValueAtPercentile(50)),
    p90Ms: ms(h.getValueAtPercentile(90)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    p999Ms: ms(h.getValueAtPercentile(99.9)),
    maxMs: ms(h.maxValue),
  };
}

/** HDR's compressed Base64 form, readable by any HdrHistogram implementation (values in µs). */
export function encoded(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}
