/**
 * @module harness/check/terraform/plan-markdown
 * `--markdown FILE`: the report as GitHub-flavoured Markdown for a pull-request comment or $GITHUB_STEP_SUMMARY:
 * the verdict first, a row per store, each store's risks and checks folded in <details>.
 */
import type { PlanCheckReport, StoreResult } from "./run-plan-check.js";
import { verdictLine } from "./plan-report.js";

const ICON: Record<string, string> = {
  pass: "✅",
  fail: "❌",
  unknown: "❔",
  skipped: "⏭️",
  unchanged: "➖",
  warn: "⚠️",
  skip: "⏭️",
};
const HTML_ENTITY: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;" };

/** Text safe in a table cell or a line: no pipe, no HTML, no newline. */
function cell(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/\|/g, "\\|").replace(/[<>&]/g, (c) => HTML_ENTITY[c]!);
}

/** Inline code that stays code whatever backticks it holds. */
function code(text: string): string {
  const t = text.replace(/[\r\n]+/g, " ");
  const fence = t.includes("`") ? "``" : "`";
  return `${fence}${fence === "``" ? " " : ""}${t.replace(/\|/g, "\\|")}${fence === "``" ? " " : ""}${fence}`;
}

function details(s: StoreResult): string[] {
  const out: string[] = [];
  const risks = s.applyRisks;
  const checks = s.check?.checks ?? [];
  if (!risks.length && !checks.length && !s.notes.length && !s.unknown.length) return out;
  out.push(`<details><summary>${ICON[s.verdict]} <b>${cell(s.address)}</b> (${s.action}): ${s.verdict}</summary>`, "");
  for (const n of s.notes) out.push(`- ${cell(n)}`);
  for (const u of s.unknown) out.push(`- ${code(u.attribute)} (${u.parameter}): known only after apply`);
  if (risks.length) {
    out.push("", "| | apply risk | exception | detail | fix |", "|---|---|---|---|---|");
    for (const r of risks) {
      const exception = r.exception ? code(r.exception) : "";
      out.push(`| ${ICON[r.severity]} | ${code(r.id)} | ${exception} | ${cell(r.detail)} | ${cell(r.fix)} |`);
    }
  }
  if (checks.length) {
    out.push("", "| | check | detail | fix |", "|---|---|---|---|");
    for (const c of checks) {
      out.push(`| ${ICON[c.status]} | ${code(c.id)} | ${cell(c.detail)} | ${cell(c.fix ?? "")} |`);
    }
  }
  out.push("", "</details>", "");
  return out;
}

export function planToMarkdown(r: PlanCheckReport, file: string): string {
  const icon = r.verdict === "pass" ? ICON.pass : r.verdict === "unknown" ? ICON.unknown : ICON.fail;
  const out: string[] = [`### ${icon} XKS key stores: ${cell(verdictLine(r))}`, ""];
  const provider = r.provider ? `, ${cell(r.provider.source)} ${cell(r.provider.version ?? "not pinned")}` : "";
  const terraform = cell(r.plan.terraformVersion ?? "?");
  out.push(`Plan ${code(file)}: format ${cell(r.plan.formatVersion)}, Terraform ${terraform}${provider}.`, "");
  if (r.stores.length) {
    out.push("| | store | action | endpoint + path | predicted exception | risks |", "|---|---|---|---|---|---|");
    for (const s of r.stores) {
      const t = s.target;
      const target = t.endpoint || t.path ? code(`${t.endpoint ?? "?"}${t.path ?? ""}`) : "";
      const risks = s.applyRisks.map((a) => code(a.id)).join(", ");
      const exception = s.predictedException ? code(s.predictedException) : "";
      out.push(`| ${ICON[s.verdict]} | ${code(s.address)} | ${s.action} | ${target} | ${exception} | ${risks} |`);
    }
    out.push("");
  }
  for (const s of r.stores) out.push(...details(s));
  for (const w of r.warnings) out.push(`> ⚠️ ${cell(w)}`, ">");
  if (r.warnings.length) out.pop();
  return `${out.join("\n")}\n`;
}
