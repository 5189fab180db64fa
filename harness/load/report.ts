/**
 * @module harness/load/report
 * The load report: a step per rate (one for --rate, several for --find-max), each with its verdict, latency
 * percentiles per operation, KMS's view of the failures, send lag and connections. As a table, as JSON (each
 * histogram also in HDR's compressed Base64 form, µs) or as JUnit (a testcase per step).
 */
import { toJunit } from "../report/junit.js";
import type { Paint } from "../report/style.js";
import { LOAD_OPERATIONS } from "./options.js";
import { encoded, percentiles, type Percentiles } from "./stats.js";
import { judgeStep, type StepRun } from "./step.js";
import { findMaxResult, loadVerdict, plannedS, ranS, stepStatus, type JudgedRun, type StepStatus } from "./verdict.js";
import { untestedNote, untestedReason } from "./verdict.js";

/** Connections and full TLS handshakes a pool opened. */
export interface ConnectionCounts {
  connectionsOpened: number;
  tlsHandshakes: number;
}

export interface LoadReport extends JudgedRun {
  endpoint: string;
  path: string;
  region: string;
  /** Connections and handshakes each step opened beyond those already open, in step order. */
  connections: ConnectionCounts[];
  /**
   * The unmeasured warm-up before the first step (ciphertexts for the decrypts, then load at the first rate): the
   * pool it opens carries the steps, so its connections are counted here. Absent when the run ended before it did.
   */
  warmUp?: { rate: number; durationS: number; connections: ConnectionCounts } | undefined;
  /** Worker threads that sent the load (1: the main thread alone). */
  workers: number;
}

/** A step as the table and the --html page name it: a stopped one by the time it ran of the time planned. */
export function stepName(s: { rate: number; durationS: number; stopped: boolean; elapsedMs: number }): string {
  if (!s.stopped) return `${s.rate} req/s for ${s.durationS} s`;
  return `${s.rate} req/s, stopped after ${(s.elapsedMs / 1000).toFixed(1)} of ${s.durationS} s`;
}

function stepJson(s: StepRun, connections: ConnectionCounts | undefined) {
  const v = judgeStep(s);
  const latency = Object.fromEntries(
    [["all", s.stats.all] as const, ...LOAD_OPERATIONS.map((op) => [op, s.stats.latency.get(op)!] as const)].filter(([, h]) => h.totalCount > 0).map(([name, h]) => [name, { ...percentiles(h), hdr: encoded(h) }]),
  );
  return {
    rate: s.plan.rate,
    durationS: s.plan.durationS,
    verdict: stepStatus(s),
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
  const { pass: _pass, ...findMax } = findMaxResult(r);
  return {
    command: "load",
    verdict: loadVerdict(r),
    target: { endpoint: r.endpoint, path: r.path, region: r.region },
    stopped: r.stopped,
    ranS: ranS(r),
    plannedS: plannedS(r),
    workers: r.workers,
    warmUp: r.warmUp ?? null,
    ...(r.findMax ? { findMax } : {}),
    steps: r.steps.map((s, i) => stepJson(s, r.connections[i])),
  };
}

export function toJson(r: LoadReport): string {
  return `${JSON.stringify(loadJson(r), null, 2)}\n`;
}

const row = (name: string, p: Percentiles) => `  ${name.padEnd(9)} ${String(p.count).padStart(7)} ${[p.p50Ms, p.p90Ms, p.p99Ms, p.p999Ms, p.maxMs].map((v) => v.toFixed(1).padStart(8)).join(" ")}`;

const STATUS_PAINT: Record<StepStatus, [string, Parameters<Paint>[0]]> = {
  pass: ["PASS", "green"],
  fail: ["FAIL", "red"],
  stopped: ["STOPPED", "yellow"],
};

/** The warm-up in one line: its pool carries the steps, whose counts are only the connections they added. */
function warmUpLine(w: NonNullable<LoadReport["warmUp"]>): string {
  const { connectionsOpened, tlsHandshakes } = w.connections;
  return `warm-up: ${w.durationS} s at ${w.rate} req/s (not measured), connections opened ${connectionsOpened}, ` +
    `full TLS handshakes ${tlsHandshakes}: the steps reuse them`;
}

/** What --find-max found, under the steps. */
function findMaxLines(r: LoadReport, paint: Paint): string[] {
  const f = findMaxResult(r);
  const lines = [`Highest rate that passed: ${f.highestPassedRate} req/s`];
  if (f.untestedAbove !== null && f.untestedAbove >= f.quota) {
    lines.push(untestedNote(f.untestedAbove, untestedReason(r, f.untestedAbove)));
  }
  if (f.limitFound && f.highestPassedRate >= f.quota) {
    const failed = r.steps.at(-1)!.plan.rate;
    lines.push(
      `The proxy's limit lies between ${f.highestPassedRate} req/s and the first rate that failed, ${failed} req/s: ` +
        `at or above the ${f.quota} req/s KMS may send (its default quota).`,
    );
  }
  if (f.advice) lines.push(f.limitFound ? paint("red", f.advice) : paint("yellow", f.advice));
  return lines;
}

function verdictLine(r: LoadReport, paint: Paint): string {
  const v = loadVerdict(r);
  if (v === "stopped") {
    const planned = `${plannedS(r)} s planned${r.findMax ? " (fewer if a step fails)" : ""}`;
    const stopped = `${paint("yellow", "STOPPED")} by Ctrl-C after ${ranS(r)} s of the ${planned}`;
    return `Verdict: ${stopped}: the numbers above cover what ran; a part of a step proves no rate`;
  }
  return `Verdict: ${v === "pass" ? paint("green", "PASS") : paint("red", "FAIL")}`;
}

export function toHuman(r: LoadReport, paint: Paint): string {
  const lines: string[] = [`xks-harness load ${r.endpoint}${r.path} (${r.region})${r.workers > 1 ? `, ${r.workers} worker threads` : ""}`];
  if (r.warmUp) lines.push(warmUpLine(r.warmUp));
  r.steps.forEach((s, i) => {
    const j = stepJson(s, r.connections[i]);
    const [label, color] = STATUS_PAINT[j.verdict];
    const sent = `${j.answered} answered, ${j.achievedRate} req/s achieved, ` +
      `${j.sentOnTime} of ${j.scheduled} sent on time`;
    lines.push("", `${paint(color, label)} ${stepName(j)}: ${sent}`);
    lines.push(`  ${"op".padEnd(9)} ${"count".padStart(7)} ${["p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"].map((h) => h.padStart(8)).join(" ")}`);
    for (const [name, p] of Object.entries(j.latency)) lines.push(row(name, p));
    lines.push(row("send lag", j.sendLag));
    lines.push(`  KMS view: ${j.kms.ok} ok, ${j.kms.kmsTimeouts} timeouts (over ${s.plan.p99BudgetMs} ms: KMS retries once, then KMSInvalidStateException), ${j.kms.throttles} throttled (429 ThrottlingException)`);
    for (const e of s.stats.errors.values()) lines.push(`  XksProxyErrors ErrorType=${e.errorType} ExceptionName=${e.exceptionName}: ${e.count} (e.g. ${e.example})`);
    const { connectionsOpened, tlsHandshakes } = j.connections;
    const resumed = connectionsOpened > tlsHandshakes ? " (the rest resumed a TLS session)" : "";
    lines.push(`  new connections opened ${connectionsOpened}, full TLS handshakes ${tlsHandshakes}${resumed}`);
    for (const reason of j.reasons) lines.push(`  ${paint("red", "✗")} ${reason}`);
  });
  if (r.findMax && r.steps.length > 0) lines.push("", ...findMaxLines(r, paint));
  lines.push("", verdictLine(r, paint));
  return `${lines.join("\n")}\n`;
}

/** JUnit: a testcase per step; a stopped step is skipped (it proves nothing), unless what ran already failed. */
export function toLoadJunit(r: LoadReport): string {
  return toJunit(
    "xks-harness load",
    r.steps.map((s) => {
      const v = judgeStep(s);
      const status = stepStatus(s);
      const name = stepName({ ...s.plan, stopped: s.stopped, elapsedMs: s.elapsedMs });
      const message = status === "stopped" ? "stopped by Ctrl-C before the step ended" : v.reasons.join("; ");
      const junitStatus = status === "stopped" ? "skip" : status;
      return { name, classname: "load", status: junitStatus, ms: s.elapsedMs, message: message || undefined };
    }),
  );
}
