/**
 * @module harness/check/terraform/plan-html
 * `check --terraform-plan --html FILE`: the verdict, a row per store, then each store's apply risks and the
 * sections of a `check --html` page. Built from the report only: no secret is handed in.
 */
import { checkSections } from "../../report/html-check.js";
import { htmlPage, htmlParagraphs, htmlTable, raw, statusBadge, type Html } from "../../report/html.js";
import type { ResultStatus } from "../../report/result-status.js";
import type { PlanCheckReport, StoreVerdict } from "./run-plan-check.js";
import { verdictLine } from "./plan-report.js";

const BADGE: Record<StoreVerdict, ResultStatus> = {
  pass: "pass",
  fail: "fail",
  unknown: "warn",
  skipped: "skip",
  unchanged: "skip",
};

export function planToHtml(r: PlanCheckReport, file: string, generatedAt?: Date): string {
  const sections: { title: string; body: Html }[] = [];
  sections.push({
    title: "Stores",
    body: htmlTable(
      ["verdict", "store", "action", "endpoint + path", "region", "predicted exception", "apply risks"],
      r.stores.map((s) => [
        raw(statusBadge(BADGE[s.verdict])),
        s.address,
        s.action,
        s.target.endpoint || s.target.path ? `${s.target.endpoint ?? "?"}${s.target.path ?? ""}` : "",
        s.region,
        s.predictedException ?? "",
        s.applyRisks.map((a) => a.id).join(", "),
      ]),
      [undefined, "detail"],
    ),
  });
  for (const s of r.stores) {
    if (s.verdict === "skipped" || s.verdict === "unchanged") continue;
    const lines = [...s.notes, ...s.unknown.map((u) => `${u.attribute} (${u.parameter}) known only after apply`)];
    if (lines.length) sections.push({ title: `${s.address}: notes`, body: htmlParagraphs(lines) });
    if (s.applyRisks.length) {
      sections.push({
        title: `${s.address}: apply risks`,
        body: htmlTable(
          ["severity", "risk", "exception", "detail", "fix"],
          s.applyRisks.map((a) => [raw(statusBadge(a.severity)), a.id, a.exception ?? "", a.detail, a.fix]),
          [undefined, undefined, undefined, "detail", "fix"],
        ),
      });
    }
    for (const sec of s.check ? checkSections(s.check) : []) {
      sections.push({ title: `${s.address}: ${sec.title}`, body: sec.body });
    }
  }
  if (r.warnings.length) sections.push({ title: "Warnings", body: htmlParagraphs(r.warnings) });
  const facts: [string, string][] = [
    ["plan format", r.plan.formatVersion],
    ["Terraform", r.plan.terraformVersion ?? "?"],
  ];
  if (r.provider) facts.push([r.provider.source, r.provider.version ?? "not pinned"]);
  const ok = r.verdict === "pass" || (r.verdict === "unknown" && r.allowUnknown);
  return htmlPage({
    tool: "xks-harness check --terraform-plan",
    subject: file,
    verdict: { ok, label: r.verdict.toUpperCase(), text: verdictLine(r).replace(/^[A-Z]+ — /, "") },
    facts,
    sections,
    generatedAt,
  });
}
