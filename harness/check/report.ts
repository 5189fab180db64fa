/**
 * @module harness/check/report
 * The three renderings of a check report: a short table for people, a stable JSON document for scripts
 * (schema in docs/check-report.md), JUnit XML for CI. None of them can contain the secret: it is not in the report.
 */
import { toJunit } from "../report/junit.js";
import { STATUS_MARK, type Paint } from "../report/style.js";
import type { XksSettings } from "../common/settings.js";
import type { CheckOptions, CheckReport } from "./types.js";

const CHECK_REPORT_SCHEMA_VERSION = 1;

export function toJson(report: CheckReport, o: CheckOptions): string {
  const doc = {
    schemaVersion: CHECK_REPORT_SCHEMA_VERSION,
    tool: "xks-harness check",
    verdict: report.verdict,
    predictedException: report.predictedException,
    predictedConnectionErrorCode: report.predictedConnectionErrorCode,
    target: {
      endpoint: o.settings.endpoint,
      path: o.settings.path,
      accessKeyId: o.settings.accessKeyId,
      region: o.region,
      connectivity: o.connectivity,
      keyIds: o.keyIds,
      ...(o.connectivity === "VPC_ENDPOINT_SERVICE" ? { vpcEndpointServiceName: o.vpcEndpointServiceName ?? null, vpcEndpointServiceOwner: o.vpcEndpointServiceOwner ?? null } : {}),
    },
    checks: report.checks.map((c) => ({ id: c.id, title: c.title, status: c.status, detail: c.detail, ms: Math.round(c.ms * 10) / 10, fix: c.fix ?? null })),
    vpcEndpointService: vpcJson(report),
    notes: report.notes ?? [],
    ...(report.verbose ? { verbose: report.verbose } : {}),
    timings: Object.fromEntries(Object.entries(report.timings).map(([k, v]) => [k, v === null ? null : Math.round(v * 10) / 10])),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** What the vpc-endpoint-service check read and judged; null when it did not run. */
function vpcJson(report: CheckReport): Record<string, unknown> | null {
  const c = report.checks.find((x) => x.id === "vpc-endpoint-service");
  if (!c || c.status === "skip" || !c.data) return null;
  const d = c.data as { calls?: string[]; facts?: unknown; findings?: unknown[]; unverified?: unknown[]; usedBy?: unknown; unreadable?: unknown };
  return { calls: d.calls ?? [], facts: d.facts ?? null, findings: d.findings ?? [], unverified: d.unverified ?? [], usedBy: d.usedBy ?? null, unreadable: d.unreadable ?? null };
}

export function toCheckJunit(report: CheckReport): string {
  return toJunit(
    "xks-harness check",
    report.checks.map((c) => ({ name: c.id, classname: "xks-harness.check", status: c.status, ms: c.ms, message: c.status === "pass" ? undefined : `${c.detail.split("\n")[0]}${c.fix ? ` Fix: ${c.fix}` : ""}`, output: c.detail })),
  );
}

/** What the table's header names: never the secret. */
export interface CheckTarget {
  settings: Pick<XksSettings, "endpoint" | "path" | "accessKeyId">;
  region: string;
}

/** How `check` proves key continuity; `update` says its own way. */
const CHECK_CONTINUITY_HOW = "give --current-access-key-id (secret in XKS_CURRENT_SECRET_ACCESS_KEY) with --key-id, or --snapshot FILE from `xks-harness snapshot`";

export function toHuman(report: CheckReport, o: CheckTarget, paint: Paint, wording: { continuityHow?: string } = {}): string {
  const out: string[] = [];
  out.push(paint("bold", `xks-harness check  ${o.settings.endpoint}${o.settings.path}  (access key id ${o.settings.accessKeyId}, region ${o.region})`));
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const c of report.checks) {
    const [label, color] = STATUS_MARK[c.status];
    const ms = c.status === "skip" ? "" : `${c.ms.toFixed(0)} ms`;
    const [first, ...rest] = c.detail.split("\n");
    out.push(`${paint(color, label)}  ${c.id.padEnd(width)}  ${ms.padStart(7)}  ${first}`);
    for (const line of rest) out.push(`${" ".repeat(width + 17)}${line}`);
  }
  if (report.verbose?.length) out.push("", ...report.verbose);
  out.push("");
  if (report.verdict === "pass") {
    out.push(paint(["bold", "green"], "verdict: PASS") + " — UpdateCustomKeyStore with these settings is expected to succeed");
    // A pass without continuity says nothing about the key material: say so where the verdict is read.
    if (report.checks.find((c) => c.id === "continuity")?.status === "skip") {
      out.push(`  key continuity NOT proven: nothing showed that the new settings reach the same key material. To prove it: ${wording.continuityHow ?? CHECK_CONTINUITY_HOW}`);
    }
  } else {
    out.push(paint(["bold", "red"], "verdict: FAIL") + " — do not run UpdateCustomKeyStore with these settings");
    // A VPC store's endpoint service is judged by Create as by Update.
    const vpcFailed = report.checks.some((c) => c.id === "vpc-endpoint-service" && c.status === "fail" && c.kmsOutcome);
    if (report.predictedException) out.push(`  ${vpcFailed ? "CreateCustomKeyStore / UpdateCustomKeyStore" : "UpdateCustomKeyStore"} would raise: ${report.predictedException}`);
    if (report.predictedConnectionErrorCode) out.push(`  ConnectCustomKeyStore would end FAILED with ConnectionErrorCode: ${report.predictedConnectionErrorCode}`);
    for (const c of report.checks) if (c.status === "fail" && c.fix) out.push(`  fix ${c.id}: ${c.fix}`);
  }
  for (const c of report.checks) if (c.status === "warn" && c.fix) out.push(`  note ${c.id}: ${c.fix}`);
  for (const note of report.notes ?? []) out.push(`  note: ${note}`);
  return `${out.join("\n")}\n`;
}
