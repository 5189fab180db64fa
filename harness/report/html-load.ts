/**
 * @module harness/report/html-load
 * `load --html FILE`: the verdict first (for --find-max, the highest rate that passed against KMS's default quota,
 * or that every tested rate passed and what lies above was not tested, with the same advice as the table; for a
 * run stopped by Ctrl-C, the time it ran of the time planned), then per step the rate asked and served, the
 * on-time share, the latency percentiles, the verdict and why, KMS's view of the failures and the connections; the rate-per-step chart and
 * the latency percentile curve (html-charts.ts). Every number is the `load --json` one (report.ts `loadJson`); the
 * curve also reads the step's latency histogram at more percentiles. Nothing else reaches the page: no secret, no
 * plaintext, no proxy-written error text.
 */
import { DEFAULT_XKS_TPS, KMS_PROXY_TIMEOUT_MS } from "../../src/xks/constants.js";
import { LOAD_OPERATIONS } from "../load/options.js";
import { loadJson, stepName, type LoadReport } from "../load/report.js";
import type { StepRun } from "../load/step.js";
import { percentileCurveSvg, rateStepsSvg, type PercentileSeries } from "./html-charts.js";
import { esc, htmlPage, htmlParagraphs, htmlTable, raw, statusBadge, type Html, type PageVerdict } from "./html.js";

type LoadJson = ReturnType<typeof loadJson>;
type StepJson = LoadJson["steps"][number];
type LatencyJson = StepJson["sendLag"];

/** Where the percentile curve is read: from the fastest call to p99.99, spread along its tail-stretched axis. */
const CURVE_PERCENTILES = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99];

const percent = (part: number, whole: number) => (whole === 0 ? "0%" : `${((part / whole) * 100).toFixed(1)}%`);
/** The limits every step is judged by (one plan for the whole run). */
interface Limits {
  budgetMs: number;
  maxErrorRate: number;
}

/** --find-max's verdict sentence: the limit found, or how far every tested rate passed. */
function findMaxText(f: NonNullable<LoadJson["findMax"]>): string {
  if (f.untestedAbove !== null) {
    const quota = f.untestedAbove < f.quota ? `, and KMS may send ${f.quota} req/s (its default quota)` : "";
    return `every step passed, up to ${f.untestedAbove} req/s; rates above it were not tested${quota}`;
  }
  const max = f.highestPassedRate;
  const where = max >= f.quota ? "at or above" : "below";
  return `highest rate that passed: ${max} req/s, ${where} the ${f.quota} req/s KMS may send an external key store` +
    " (its default quota)";
}

function verdictOf(j: LoadJson, runs: StepRun[], limits: Limits): PageVerdict {
  const lines: (Html | string)[] = [];
  if (j.stopped) {
    const last = j.steps.at(-1);
    const ran = (ms: number) => (ms / 1000).toFixed(1);
    const step = last && ` ${ran(last.elapsedMs)} s into the ${last.durationS} s step at ${last.rate} req/s`;
    const when = step ?? " in the warm-up";
    lines.push(`stopped by Ctrl-C${when}: the numbers cover what was sent until then`);
  }
  const failing = j.steps.filter((s) => s.verdict === "fail");
  if (j.verdict === "stopped") {
    for (const s of failing) lines.push(`${s.rate} req/s failed in the part that ran: ${s.reasons.join("; ")}`);
    const text = `stopped after ${j.ranS} s of the ${j.plannedS} s planned: a part of a step proves no rate`;
    return { ok: false, label: "STOPPED", text, lines };
  }
  if (j.steps.length === 0) return { ok: false, label: "FAIL", text: "no step ran", lines };
  if (j.findMax) {
    const ok = j.verdict === "pass";
    if (j.findMax.advice) lines.push(j.findMax.advice);
    for (const s of failing) lines.push(`${s.rate} req/s failed: ${s.reasons.join("; ")}`);
    return { ok, label: ok ? "PASS" : "FAIL", text: findMaxText(j.findMax), lines };
  }
  const step = j.steps[0]!;
  if (j.verdict === "pass") {
    const p99 = step.latency["all"]?.p99Ms ?? 0;
    if (step.rate < DEFAULT_XKS_TPS) lines.push(`${step.rate} req/s is below the ${DEFAULT_XKS_TPS} req/s KMS may send (its default quota): to show the proxy serves that, run load --rate ${DEFAULT_XKS_TPS} or --find-max`);
    return { ok: true, label: "PASS", text: `the proxy served ${step.rate} req/s as KMS needs: p99 ${p99} ms within ${limits.budgetMs} ms, ${runs[0]!.stats.failed} of ${step.answered} calls failed`, lines };
  }
  for (const s of failing) lines.push(...s.reasons);
  return { ok: false, label: "FAIL", text: `the proxy did not serve ${step.rate} req/s as KMS needs`, lines };
}

/** Why a step passed (the limits it kept) or failed (the ones it broke), as the table's last column. */
function why(s: StepJson, run: StepRun, limits: Limits): string {
  if (s.verdict === "fail") return s.reasons.join("\n");
  if (s.verdict === "stopped") {
    return `stopped by Ctrl-C: ${(s.elapsedMs / 1000).toFixed(1)} of ${s.durationS} s ran, within the limits so far`;
  }
  return `p99 ${s.latency["all"]?.p99Ms ?? 0} ms ≤ ${limits.budgetMs} ms; ${run.stats.failed} of ${s.answered} failed (≤ ${limits.maxErrorRate * 100}%); ${percent(s.sentOnTime, s.scheduled)} sent on time`;
}

const msCells = (p: LatencyJson | undefined) => (p ? [p.p50Ms, p.p90Ms, p.p99Ms, p.p999Ms, p.maxMs].map(String) : ["", "", "", "", ""]);

function stepsTable(j: LoadJson, runs: StepRun[], limits: Limits): Html {
  return htmlTable(
    ["status", "step", "req/s served", "sent on time", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "why"],
    j.steps.map((s, i) => [
      raw(s.verdict === "stopped" ? `<span class="st warn">${esc("STOPPED")}</span>` : statusBadge(s.verdict)),
      stepName(s),
      `${s.achievedRate} of ${s.rate}`,
      `${s.sentOnTime} of ${s.scheduled} (${percent(s.sentOnTime, s.scheduled)})`,
      ...msCells(s.latency["all"]),
      why(s, runs[i]!, limits),
    ]),
    [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, "detail"],
  );
}

/** Why the first step may count no connection: the warm-up's pool carries it. */
function warmUpNote(w: NonNullable<LoadJson["warmUp"]>): string {
  const { connectionsOpened, tlsHandshakes } = w.connections;
  return (
    "Each step counts the connections it opened beyond those already open: the warm-up " +
    `(${w.durationS} s at ${w.rate} req/s, not measured) opened ${connectionsOpened}, with ${tlsHandshakes} full TLS ` +
    "handshakes, and the steps reuse them."
  );
}

function kmsTable(j: LoadJson, budgetMs: number): Html {
  const w = j.warmUp;
  const table = htmlTable(
    ["step", "ok", "KMS timeouts", "throttled (429)", "XksProxyErrors by ErrorType / ExceptionName", "connections opened", "full TLS handshakes"],
    j.steps.map((s) => [
      stepName(s),
      String(s.kms.ok),
      String(s.kms.kmsTimeouts),
      String(s.kms.throttles),
      s.kms.proxyErrors.length ? s.kms.proxyErrors.map((e) => `${e.errorType} / ${e.exceptionName}: ${e.count}`).join("\n") : "none",
      String(s.connections.connectionsOpened),
      String(s.connections.tlsHandshakes),
    ]),
    [undefined, undefined, undefined, undefined, "detail"],
  );
  const notes = htmlParagraphs(
    [
      `KMS timeout: an answer later than ${budgetMs} ms; KMS retries once, then its caller gets KMSInvalidStateException. Throttled: 429 ThrottlingException, which KMS passes on as a throttle. XksProxyErrors: KMS's CloudWatch metric, Retryable or Non-retryable by ExceptionName (WrongAnswer: a 200 whose answer did not verify).`,
      "Connections opened beyond the full TLS handshakes resumed a TLS session.",
      ...(w ? [warmUpNote(w)] : []),
    ],
    "muted",
  );
  return raw(table.html + notes.html);
}

function latencyTable(j: LoadJson): Html {
  const rows: string[][] = [];
  for (const s of j.steps) {
    for (const op of ["all", ...LOAD_OPERATIONS]) {
      const p = s.latency[op];
      if (p) rows.push([stepName(s), op, String(p.count), ...msCells(p)]);
    }
    rows.push([stepName(s), "send lag", String(s.sendLag.count), ...msCells(s.sendLag)]);
  }
  const table = htmlTable(["step", "operation", "count", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"], rows);
  const note = htmlParagraphs(["Latency runs from the scheduled send time, so a proxy that queues cannot hide it. Send lag: how late the load generator sent; high send lag means the generator, not the proxy, fell behind."], "muted");
  return raw(table.html + note.html);
}

function curveSeries(runs: StepRun[]): PercentileSeries[] {
  return runs
    .filter((r) => r.stats.all.totalCount > 0)
    .map((r) => ({
      label: `${r.plan.rate} req/s`,
      points: CURVE_PERCENTILES.map((p) => [p, r.stats.all.getValueAtPercentile(p) / 1000] as [number, number]),
    }));
}

/** The whole `load --html` page. */
export function loadHtml(r: LoadReport, generatedAt?: Date): string {
  const j = loadJson(r);
  const first = r.steps[0]?.plan;
  // A run that stopped before its first step has no plan, and no step to judge: the defaults only label the page.
  const limits: Limits = { budgetMs: first?.p99BudgetMs ?? KMS_PROXY_TIMEOUT_MS, maxErrorRate: first?.maxErrorRate ?? 0 };
  const budgetMs = limits.budgetMs;
  const facts: [string, string][] = [["region", r.region]];
  if (first) {
    facts.push(
      ["operation mix", LOAD_OPERATIONS.filter((op) => first.mix[op] > 0).map((op) => `${op}=${first.mix[op]}`).join(", ")],
      ["per step", `${first.durationS} s`],
      ["p99 budget", `${budgetMs} ms`],
      ["max error rate", `${first.maxErrorRate * 100}%`],
    );
  }
  const w = j.warmUp;
  if (w) {
    const opened = w.connections.connectionsOpened;
    facts.push(["warm-up", `${w.durationS} s at ${w.rate} req/s, not measured; ${opened} connections opened`]);
  }
  if (j.findMax) facts.push(["steps", j.steps.map((s) => `${s.rate}`).join(", ") + " req/s"]);
  const sections: { title: string; body: Html }[] = [];
  if (j.steps.length) {
    sections.push(
      { title: "Steps", body: stepsTable(j, r.steps, limits) },
      { title: "KMS's view of each step", body: kmsTable(j, budgetMs) },
      { title: "Rate per step", body: rateStepsSvg(j.steps.map((s) => ({ label: `${s.rate} req/s`, targetRate: s.rate, achievedRate: s.achievedRate, pass: s.verdict === "pass" }))) },
    );
    const series = curveSeries(r.steps);
    if (series.length) sections.push({ title: "Latency by percentile (all operations)", body: percentileCurveSvg(series, budgetMs) });
    sections.push({ title: "Latency per operation", body: latencyTable(j) });
  }
  return htmlPage({
    tool: "xks-harness load",
    subject: `${r.endpoint}${r.path}`,
    verdict: verdictOf(j, r.steps, limits),
    facts,
    sections,
    generatedAt,
  });
}
