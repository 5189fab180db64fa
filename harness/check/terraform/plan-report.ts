/**
 * @module harness/check/terraform/plan-report
 * `check --terraform-plan`'s table, its --json document (schema: docs/terraform-plan-report.md) and JUnit (a
 * testsuite per store). The report holds no secret: the stores' results carry the access key id, never the secret.
 */
import { toJunitSuites, type JunitCase } from "../../report/junit.js";
import { STATUS_MARK, type Paint } from "../../report/style.js";
import type { PlanCheckReport, StoreResult, StoreVerdict } from "./run-plan-check.js";

export const PLAN_REPORT_SCHEMA_VERSION = 1;

const VERDICT_COLOR: Record<StoreVerdict, "green" | "red" | "yellow" | "gray"> = {
  pass: "green",
  fail: "red",
  unknown: "yellow",
  skipped: "gray",
  unchanged: "gray",
};
/** Where a store's lines start, under its verdict. */
const IN = " ".repeat(10);

/** The one line a reader needs first. */
export function verdictLine(r: PlanCheckReport): string {
  const checked = r.stores.filter((s) => s.verdict !== "skipped" && s.verdict !== "unchanged").length;
  if (r.stores.length === 0 || checked === 0) {
    return "nothing to check: the plan creates, updates, replaces or deletes no external key store";
  }
  if (r.verdict === "pass") return `PASS — ${checked} store change(s) expected to apply cleanly`;
  if (r.verdict === "unknown") {
    const allowed = r.allowUnknown ? "allowed by --allow-unknown" : "not proven; do not apply without --allow-unknown";
    return `UNKNOWN — values known only after apply: ${allowed}`;
  }
  return "FAIL — do not apply this plan as it is";
}

function storeLines(s: StoreResult, paint: Paint): string[] {
  const out: string[] = [];
  const verdict = paint(["bold", VERDICT_COLOR[s.verdict]], s.verdict.toUpperCase().padEnd(9));
  out.push(`${verdict} ${paint("bold", s.address)}  ${s.action}`);
  const t = s.target;
  if (t.endpoint || t.path) {
    const keys = t.keyIds.length ? `, keys ${t.keyIds.join(", ")}` : "";
    const connectivity = t.connectivity ?? "connectivity unset";
    const facts = `access key id ${t.accessKeyId ?? "?"}, region ${s.region}, ${connectivity}${keys}`;
    out.push(`${IN}${t.endpoint ?? "?"}${t.path ?? ""}  (${facts})`);
  }
  for (const n of s.notes) out.push(`${IN}${n}`);
  for (const u of s.unknown) out.push(`${IN}unknown: ${u.attribute} (${u.parameter}) known only after apply`);
  if (s.predictedException) out.push(`${IN}apply would raise: ${s.predictedException}`);
  if (s.predictedConnectionErrorCode) {
    out.push(`${IN}ConnectCustomKeyStore would end FAILED with ConnectionErrorCode: ${s.predictedConnectionErrorCode}`);
  }
  for (const r of s.applyRisks) {
    const mark = r.severity === "fail" ? paint("red", "RISK") : paint("yellow", "WARN");
    out.push(`${IN}${mark} ${r.id}${r.exception ? ` (${r.exception})` : ""}: ${r.detail}`);
    out.push(`${IN}     fix: ${r.fix}`);
  }
  if (s.check) {
    const width = Math.max(...s.check.checks.map((c) => c.id.length));
    for (const c of s.check.checks) {
      const [label, color] = STATUS_MARK[c.status];
      const [first, ...rest] = c.detail.split("\n");
      out.push(`${IN}${paint(color, label)}  ${c.id.padEnd(width)}  ${first}`);
      for (const line of rest) out.push(`${IN}${" ".repeat(width + 8)}${line}`);
      if (c.status === "fail" && c.fix) out.push(`${IN}${" ".repeat(width + 8)}fix: ${c.fix}`);
    }
  }
  return out;
}

export function planToHuman(r: PlanCheckReport, file: string, paint: Paint): string {
  const out: string[] = [];
  const provider = r.provider ? `, ${r.provider.source} ${r.provider.version ?? "version not pinned"}` : "";
  const facts = `format ${r.plan.formatVersion}, Terraform ${r.plan.terraformVersion ?? "?"}${provider}`;
  out.push(paint("bold", `xks-harness check --terraform-plan ${file}  (${facts})`));
  for (const s of r.stores) out.push("", ...storeLines(s, paint));
  out.push("");
  const color = r.verdict === "pass" ? "green" : r.verdict === "unknown" ? "yellow" : "red";
  out.push(paint(["bold", color], `verdict: ${verdictLine(r)}`));
  for (const w of r.warnings) out.push(`  warning: ${w}`);
  return `${out.join("\n")}\n`;
}

const ms = (v: number) => Math.round(v * 10) / 10;

export function planToJson(r: PlanCheckReport): string {
  const doc = {
    schemaVersion: PLAN_REPORT_SCHEMA_VERSION,
    tool: "xks-harness check --terraform-plan",
    verdict: r.verdict,
    allowUnknown: r.allowUnknown,
    plan: r.plan,
    provider: r.provider,
    warnings: r.warnings,
    stores: r.stores.map((s) => ({
      address: s.address,
      action: s.action,
      verdict: s.verdict,
      predictedException: s.predictedException,
      predictedConnectionErrorCode: s.predictedConnectionErrorCode,
      region: s.region,
      regionSource: s.regionSource,
      target: s.target,
      unknown: s.unknown,
      notes: s.notes,
      checks: (s.check?.checks ?? []).map((c) => ({
        id: c.id,
        title: c.title,
        status: c.status,
        detail: c.detail,
        ms: ms(c.ms),
        fix: c.fix ?? null,
      })),
      applyRisks: s.applyRisks.map(({ id, severity, exception, detail, fix }) => ({
        id,
        severity,
        exception,
        detail,
        fix,
      })),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** A testsuite per store: its apply risks and its checks as testcases; an unknown store fails unless allowed. */
export function planToJunit(r: PlanCheckReport): string {
  return toJunitSuites(
    "xks-harness check --terraform-plan",
    r.stores.map((s) => {
      const cases: JunitCase[] = [];
      const classname = `xks-harness.terraform.${s.address}`;
      if (s.verdict === "skipped" || s.verdict === "unchanged") {
        cases.push({ name: "store", classname, status: "skip", ms: 0, message: s.notes.join("; ") });
      }
      if (s.verdict === "unknown") {
        const message = `known only after apply: ${s.unknown.map((u) => u.attribute).join(", ")}`;
        const status = r.allowUnknown ? "warn" : "fail";
        cases.push({ name: "planned values known", classname, status, ms: 0, message, output: message });
      }
      for (const a of s.applyRisks) {
        const message = `${a.exception ? `${a.exception}: ` : ""}${a.detail} Fix: ${a.fix}`;
        cases.push({ name: `apply risk ${a.id}`, classname, status: a.severity, ms: 0, message, output: message });
      }
      for (const c of s.check?.checks ?? []) {
        const message = c.status === "pass" ? undefined : `${c.detail.split("\n")[0]}${c.fix ? ` Fix: ${c.fix}` : ""}`;
        cases.push({ name: c.id, classname, status: c.status, ms: c.ms, message, output: c.detail });
      }
      if (cases.length === 0) cases.push({ name: "apply risks", classname, status: "pass", ms: 0 });
      return { name: s.address, cases };
    }),
  );
}

