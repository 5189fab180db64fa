/**
 * @module harness/report/html-conformance
 * `conformance --html FILE`: the verdict, the setup failure with its fix when no case ran, then every case with
 * its spec section, expected and actual. The same fields as `conformance --json` (never a secret).
 */
import type { ConformanceReport, ConformanceTarget } from "../conformance/types.js";
import { htmlPage, htmlParagraphs, htmlTable, raw, statusBadge, type PageVerdict } from "./html.js";

function verdictOf(r: ConformanceReport): PageVerdict {
  const counts = `${r.passed + r.warned} passed, ${r.failed} failed, ${r.skipped} skipped`;
  if (r.setupError) {
    return { ok: false, label: "NOT RUN", text: `no case ran: the health call with these settings failed (${r.setupError.summary})`, lines: [`KMS would see: ${r.setupError.failure}`, `fix: ${r.setupError.fix}`] };
  }
  const lines = [counts, ...(r.warned ? [`${r.warned} SHOULD case(s) failed (warnings)`] : [])];
  return r.ok
    ? { ok: true, label: "PASS", text: `no MUST case failed (${(r.ms / 1000).toFixed(1)} s)`, lines }
    : { ok: false, label: "FAIL", text: `${r.failed} MUST/PARITY case(s) failed`, lines };
}

export function conformanceHtml(r: ConformanceReport, t: Pick<ConformanceTarget, "region" | "keyId"> & { settings: { endpoint: string; path: string; accessKeyId: string } }, generatedAt?: Date): string {
  const sections = [];
  if (r.setupError) sections.push({ title: "Setup failure", body: htmlParagraphs([r.setupError.cause, `fix: ${r.setupError.fix}`]) });
  // Failures first: they are what the reader came for.
  const order = { fail: 0, warn: 1, pass: 2, skip: 3 } as const;
  const cases = [...r.results].sort((a, b) => order[a.status] - order[b.status]);
  sections.push({
    title: "Cases",
    body: htmlTable(
      ["status", "level", "case", "section", "expected", "actual", "fix"],
      cases.map((c) => [raw(statusBadge(c.status)), c.level, `${c.id}: ${c.title}`, c.section, c.expected, c.actual, c.fix ?? ""]),
      [undefined, undefined, undefined, undefined, "detail", "detail", "fix"],
    ),
  });
  return htmlPage({
    tool: "xks-harness conformance",
    subject: `${t.settings.endpoint}${t.settings.path}`,
    verdict: verdictOf(r),
    facts: [
      ["access key id", t.settings.accessKeyId],
      ["region", t.region],
      ["key id", t.keyId],
      ["duration", `${(r.ms / 1000).toFixed(1)} s`],
    ],
    sections,
    generatedAt,
  });
}
