/**
 * @module harness/load/report
 * The load report: a step per rate (one for --rate, several for --find-max), each with its verdict, latency
 * percentiles per operation, KMS's view of the failures, send lag and connections. As a table, as JSON (each
 * histogram also in HDR's compressed Base64 form, µs) or as JUnit (a testcase per step).
 */
import { DEFAULT_XKS_TPS } from "../../src/xks/index.js";
import { toJunit } from "../report/junit.js";
import type { Paint } from "../report/style.js";
import { LOAD_OPERATIONS } from "./options.js";
import { encoded, percentiles, type Percentiles } from "./stats.js";
import { judgeStep, type StepRun } from "./step.js";

export interface LoadReport {
  endpoint: string;
  path: string;
  region: string;
  steps: StepRun[];
  /** Connections and handshakes per step, in step order. */
  connections: { connectionsOpened: number; tlsHandshakes: number }[];
  findMax: boolean;
  stopped: boolean;
  /** Worker threads that sent the load (1: the main thread alone). */
  workers: number;
}

/** The highest rate whose step passed, or 0. */
export function highestPassed(r: LoadReport): number {
  return Math.max(0, ...r.steps.filter((s) => judgeStep(s).pass).map((s) => s.plan.rate));
}

export function loadVerdict(r: LoadReport): "pass" | "fail" {
  if (r.steps.length === 0) return "fail";
  if (r.findMax) return highestPassed(r) >= DEFAULT_XKS_TPS ? "pass" : "fail";
  return r.steps.every((s) => judgeStep(s).pass) ? "pass" : "fail";
}

/** What to do when the proxy cannot serve KMS's default request quota. */
export function belowQuotaAdvice(max: number): string {
  return `The highest rate that passed, ${max} req/s, is below the ${DEFAULT_XKS_TPS} req/s KMS may send an external key store (its default quota): at busy times KMS calls will time out and its callers get KMSInvalidStateException. Fix: add proxies behind the load balancer (then run load again), or ask AWS to lower the key store's request quota so excess calls fail fast with a throttle instead of timing out.`;
}

/** A step as the table and the --html page name it. */
export const stepName = (s: { rate: number; durationS: number; stopped: boolean }) => `${s.rate} req/s for ${s.durationS} s${s.stopped ? " (stopped)" : ""}`;

function stepJson(s: StepRun, connections: LoadReport["connections"][number] | undefined) {
  const v = judgeStep(s);
  const latency = Object.fromEntries(
    [["all", s.stats.all] as const, ...LOAD_OPERATIONS.map((op) => [op, s.stats.latency.get(op)!] as const)].filter(([, h]) => h.totalCount > 0).map(([name, h]) => [name, { ...percentiles(h), hdr: encoded(h) }]),
  );
  return {
    rate: s.plan.rate,
    durationS: s.plan.durationS,
    verdict: v.pass ? "pass" : "fail",
    reasons: v.reasons,
    stopped: s.stopped,
    scheduled: s.stats.scheduled,
    sent: s.stats.sent,
    sentOnTime: s.stats.onTime,
    answered: s.stats.answered,
    achievedRate: Math.round((s.stats.answered / (s.elapsedMs / 1000)) * 10) / 10,
    elapsedMs: Math.round(s.elapsedMs),
    latency,
    sendLag: { ...percentiles(s.stats.sendLag), hdr: encoded(s.stats.sendLag) },
    kms: {
      ok: s.stats.ok,
      kmsTimeouts: s.stats.kmsTimeouts,
      throttles: s.stats.throttles,
      proxyErrors: [...s.stats.errors.values()].map(({ errorType, exceptionName, count }) => ({ errorType, exceptionName, count })),
    },
    connections: connections ?? { connectionsOpened: 0, tlsHandshakes: 0 },
  };
}

/** The `--json` report as an object: `load --html` renders these same numbers. */
export function loadJson(r: LoadReport) {
  const max = highestPassed(r);
  return {
    command: "load",
    verdict: loadVerdict(r),
    target: { endpoint: r.endpoint, path: r.path, region: r.region },
    stopped: r.stopped,
    workers: r.workers,
    ...(r.findMax ? { findMax: { highestPassedRate: max, quota: DEFAULT_XKS_TPS, ...(max < DEFAULT_XKS_TPS ? { advice: belowQuotaAdvice(max) } : {}) } } : {}),
    steps: r.steps.map((s, i) => stepJson(s, r.connections[i])),
  };
}

export function toJson(r: LoadReport): string {
  return `${JSON.stringify(loadJson(r), null, 2)}\n`;
}

const row = (name: string, p: Percentiles) => `  ${name.padEnd(9)} ${String(p.count).padStart(7)} ${[p.p50Ms, p.p90Ms, p.p99Ms, p.p999Ms, p.maxMs].map((v) => v.toFixed(1).padStart(8)).join(" ")}`;

export function toHuman(r: LoadReport, paint: Paint): string {
  const lines: string[] = [`xks-harness load ${r.endpoint}${r.path} (${r.region})${r.workers > 1 ? `, ${r.workers} worker threads` : ""}`];
  r.steps.forEach((s, i) => {
    const j = stepJson(s, r.connections[i]);
    const head = stepName(j);
    lines.push("", `${j.verdict === "pass" ? paint("green", "PASS") : paint("red", "FAIL")} ${head}: ${j.answered} answered, ${j.achievedRate} req/s achieved, ${j.sentOnTime} of ${j.scheduled} sent on time`);
    lines.push(`  ${"op".padEnd(9)} ${"count".padStart(7)} ${["p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"].map((h) => h.padStart(8)).join(" ")}`);
    for (const [name, p] of Object.entries(j.latency)) lines.push(row(name, p));
    lines.push(row("send lag", j.sendLag));
    lines.push(`  KMS view: ${j.kms.ok} ok, ${j.kms.kmsTimeouts} timeouts (over ${s.plan.p99BudgetMs} ms: KMS retries once, then KMSInvalidStateException), ${j.kms.throttles} throttled (429 ThrottlingException)`);
    for (const e of s.stats.errors.values()) lines.push(`  XksProxyErrors ErrorType=${e.errorType} ExceptionName=${e.exceptionName}: ${e.count} (e.g. ${e.example})`);
    lines.push(`  connections opened ${j.connections.connectionsOpened}, full TLS handshakes ${j.connections.tlsHandshakes}${j.connections.connectionsOpened > j.connections.tlsHandshakes ? " (the rest resumed a TLS session)" : ""}`);
    for (const reason of j.reasons) lines.push(`  ${paint("red", "✗")} ${reason}`);
  });
  if (r.findMax) {
    const max = highestPassed(r);
    lines.push("", `Highest rate that passed: ${max} req/s`);
    if (max < DEFAULT_XKS_TPS) lines.push(paint("red", belowQuotaAdvice(max)));
  }
  lines.push("", `Verdict: ${loadVerdict(r) === "pass" ? paint("green", "PASS") : paint("red", "FAIL")}`);
  return `${lines.join("\n")}\n`;
}

export function toLoadJunit(r: LoadReport): string {
  return toJunit(
    "xks-harness load",
    r.steps.map((s) => {
      const v = judgeStep(s);
      return { name: `${s.plan.rate} req/s for ${s.plan.durationS} s`, classname: "load", status: v.pass ? "pass" : "fail", ms: s.elapsedMs, message: v.reasons.join("; ") || undefined };
    }),
  );
}
