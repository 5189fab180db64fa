/**
 * @module harness/watch/state
 * The state of the store after a round, judged as KMS would experience it (README "Watch", states):
 * - failing: KMS would fail a request now: a call failed (an error answer, a wrong answer, no answer, an answer
 *   after KMS's 250 ms), or every key manager is UNAVAILABLE (KMS treats the proxy as unreachable);
 * - degraded: every call succeeded, but trouble is coming: a key manager is DEGRADED or UNAVAILABLE (not all), a
 *   call took over 200 ms (AWS's latency alarm), or the certificate expires within 10 days (AWS's certificate
 *   alarm) or could not be read or verified on its own;
 * - healthy: none of these.
 * Pure: the round's results in, the state and its reasons out.
 */
import { KMS_PROXY_TIMEOUT_MS } from "../../src/xks/constants.js";
import type { CertificateReading } from "./certificate.js";
import { describeFailure, type Fleet, type WatchCall } from "./calls.js";

export const WATCH_STATES = ["healthy", "degraded", "failing"] as const;
export type WatchState = (typeof WATCH_STATES)[number];

/** AWS's recommended alarms (AWS KMS Developer Guide, "Create CloudWatch alarms for external key stores"); docs/prometheus-alerts.yml uses the same. */
export const LATENCY_WARN_MS = 200;
export const CERTIFICATE_WARN_DAYS = 10;

export interface RoundResult {
  /** When the round started (ms since the epoch). */
  startedAt: number;
  calls: WatchCall[];
  /** Key managers of the health answer; undefined when there was no usable answer. */
  fleet?: Fleet | undefined;
  certificate: CertificateReading;
}

interface Judgement {
  state: WatchState;
  /** Why, one short phrase each; empty when healthy. */
  reasons: string[];
}

/** Whether the round reached the proxy: some call got an HTTP answer (the `up` metric). */
export function reachedProxy(r: RoundResult): boolean {
  return r.calls.some((c) => c.ms !== undefined);
}

export function judgeRound(r: RoundResult): Judgement {
  const failing = r.calls.filter((c) => c.outcome.kind !== "ok").map(describeFailure);
  const fleet = r.fleet ?? [];
  const inState = (s: string) => fleet.filter((k) => k.healthStatus === s).map((k) => k.id);
  const unavailable = inState("UNAVAILABLE");
  const degradedKms = inState("DEGRADED");
  if (fleet.length > 0 && unavailable.length === fleet.length) {
    failing.push(`every key manager is UNAVAILABLE (${unavailable.join(", ")}): KMS treats the proxy as unreachable`);
  }
  if (failing.length) return { state: "failing", reasons: failing };

  const degraded: string[] = [];
  if (unavailable.length) degraded.push(`key manager${unavailable.length > 1 ? "s" : ""} UNAVAILABLE: ${unavailable.join(", ")}`);
  if (degradedKms.length) degraded.push(`key manager${degradedKms.length > 1 ? "s" : ""} DEGRADED: ${degradedKms.join(", ")}`);
  for (const c of r.calls) {
    if (c.ms !== undefined && c.ms > LATENCY_WARN_MS) degraded.push(`${c.xksOperation}${c.keyId ? ` ${c.keyId}` : ""} took ${Math.round(c.ms)} ms (over ${LATENCY_WARN_MS} ms; KMS gives up at ${KMS_PROXY_TIMEOUT_MS})`);
  }
  const cert = r.certificate;
  if (!cert.ok) degraded.push(`certificate not read: ${cert.reason}`);
  else {
    if (cert.daysToExpire < CERTIFICATE_WARN_DAYS) degraded.push(`certificate ${cert.name} expires in ${cert.daysToExpire} days (${cert.validTo})`);
    if (!cert.trusted) degraded.push(`certificate ${cert.name} does not verify on its own: ${cert.trustError}`);
  }
  return degraded.length ? { state: "degraded", reasons: degraded } : { state: "healthy", reasons: [] };
}
