/**
 * @module harness/conformance/report
 * Human table, JSON and JUnit renderings of a conformance run. The last line of the human form is always
 * `N passed, N failed, N skipped` (warnings count as passed there: they do not fail the run). After a failed setup
 * call (setup-check.ts) the human form shows that failure with its fix and one line for the skipped cases.
 */
import { toJunit } from "../report/junit.js";
import { STATUS_MARK, type Paint } from "../report/style.js";
import type { ConformanceReport, ConformanceTarget } from "./types.js";

const CONFORMANCE_REPORT_SCHEMA_VERSION = 1;

export function summaryLine(r: ConformanceReport): string {
  return `${r.passed + r.warned} passed, ${r.failed} failed, ${r.skipped} skipped`;
}

export function conformanceJson(r: ConformanceReport, t: ConformanceTarget): string {
  return `${JSON.stringify(
    {
      schemaVersion: CONFORMANCE_REPORT_SCHEMA_VERSION,
      tool: "xks-harness conformance",
      ok: r.ok,
      summary: { passed: r.passed, warned: r.warned, failed: r.failed, skipped: r.skipped },
      ...(r.setupError ? { setupError: { failure: r.setupError.failure, cause: r.setupError.cause, fix: r.setupError.fix } } : {}),
      target: { endpoint: t.settings.endpoint, path: t.settings.path, accessKeyId: t.settings.accessKeyId, region: t.region, keyId: t.keyId },
      cases: r.results.map((c) => ({ ...c, ms: Math.round(c.ms * 10) / 10 })),
      ms: Math.round(r.ms),
    },
    null,
    2,
  )}\n`;
}

export function conformanceJunit(r: ConformanceReport): string {
  return toJunit(
    "xks-harness conformance",
    r.results.map((c) => ({
      name: `${c.id}: ${c.title}`,
      classname: `xks-harness.conformance.${c.level}`,
      status: c.status,
      ms: c.ms,
      message: c.status === "pass" ? undefined : `expected ${c.expected}; got ${c.actual}${c.fix ? `; fix: ${c.fix}` : ""}`,
      output: `${c.section}\nexpected: ${c.expected}\nactual: ${c.actual}${c.fix ? `\nfix: ${c.fix}` : ""}`,
    })),
  );
}

export function conformanceHuman(r: ConformanceReport, t: ConformanceTarget, paint: Paint, verbose = false): string {
  const out = [paint("bold", `xks-harness conformance  ${t.settings.endpoint}${t.settings.path}  (key ${t.keyId})`)];
  // After a failed setup call the skipped cases all say the same: one line for them, unless --verbose.
  const shown = r.setupError && !verbose ? r.results.filter((c) => c.status !== "skip") : r.results;
  const width = Math.max(...shown.map((c) => c.id.length));
  for (const c of shown) {
    const [label, color] = STATUS_MARK[c.status];
    out.push(`${paint(color, label)}  ${c.level.padEnd(6)}  ${c.id.padEnd(width)}  ${c.title}`);
    if (c.status === "fail" || c.status === "warn" || verbose) {
      out.push(`${" ".repeat(16)}${c.section}`);
      out.push(`${" ".repeat(16)}expected: ${c.expected}`);
      out.push(`${" ".repeat(16)}actual:   ${c.actual}`);
      if (c.fix) out.push(`${" ".repeat(16)}fix:      ${c.fix}`);
    }
  }
  if (shown.length < r.results.length) out.push(`${paint(STATUS_MARK.skip[1], STATUS_MARK.skip[0])}  ${r.skipped} cases  skipped: the setup call failed (${r.setupError!.summary}); --verbose lists them`);
  out.push("");
  const verdict = r.setupError
    ? `conformance: no case ran: the health call with these settings failed (${r.setupError.summary}); fix that first`
    : r.ok
      ? `conformance: no MUST case failed (${(r.ms / 1000).toFixed(1)} s)`
      : `conformance: ${r.failed} MUST/PARITY case(s) failed`;
  out.push(paint(["bold", r.ok ? "green" : "red"], verdict));
  if (r.warned) out.push(`${r.warned} SHOULD case(s) failed (warnings)`);
  out.push(summaryLine(r));
  return `${out.join("\n")}\n`;
}
