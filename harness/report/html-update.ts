/**
 * @module harness/report/html-update
 * `update --html FILE`: the outcome first, then what the checks predict, the plan as aws CLI lines (the secret as
 * its placeholder), the rollback, the checks and the store before and after. The same fields as `update --json`.
 */
import type { StoreSnapshot } from "../update/plan.js";
import type { UpdateReport } from "../update/run-update.js";
import { settlingLines } from "../update/settle.js";
import { checkSections, checkVerdict } from "./html-check.js";
import { htmlPage, htmlParagraphs, htmlPre, htmlTable, type Html } from "./html.js";

export interface UpdateHtmlInput {
  report: UpdateReport;
  region: string;
  /** The plan's calls and the rollback as aws CLI lines (aws-cli.ts): made by the caller, which knows the profile. */
  planLines: string[];
  rollbackLines: string[];
}

const STORE_FIELDS: [keyof StoreSnapshot, string][] = [
  ["state", "ConnectionState"],
  ["connectionErrorCode", "ConnectionErrorCode"],
  ["endpoint", "XksProxyUriEndpoint"],
  ["path", "XksProxyUriPath"],
  ["accessKeyId", "AccessKeyId"],
  ["connectivity", "XksProxyConnectivity"],
  ["vpcEndpointServiceName", "XksProxyVpcEndpointServiceName"],
  ["vpcEndpointServiceOwner", "XksProxyVpcEndpointServiceOwner"],
];

function storeTable(before: StoreSnapshot | undefined, after: StoreSnapshot | undefined): Html {
  const shown = STORE_FIELDS.filter(([k]) => before?.[k] !== undefined || after?.[k] !== undefined);
  const value = (s: StoreSnapshot | undefined, k: keyof StoreSnapshot) => String(s?.[k] ?? "");
  // A dry run or a refusal has no "after": one column then.
  if (!after) return htmlTable(["field", "now"], shown.map(([k, label]) => [label, value(before, k)]));
  return htmlTable(["field", "before", "after"], shown.map(([k, label]) => [label, value(before, k), value(after, k)]));
}

export function updateHtml(u: UpdateHtmlInput, generatedAt?: Date): string {
  const r = u.report;
  const ok = r.outcome === "updated" || r.outcome === "dry-run";
  const prediction = r.check ? checkVerdict(r.check) : undefined;
  const lines = [
    ...(r.settling ? settlingLines(r.settling) : []),
    ...(prediction ? [`checks: ${prediction.label} — ${prediction.text}`, ...(prediction.lines ?? [])] : []),
    ...(r.outcome === "failed" && r.rollback ? [`rollback: ${r.rollback}`] : []),
  ];
  const sections: { title: string; body: Html }[] = [];
  if (r.plan) {
    const plan = [...r.plan.changes.map((c) => `change ${c}`), r.plan.keysUnavailable ? "KMS keys in this store are UNUSABLE from the Disconnect until the Connect succeeds" : "KMS keys in this store stay usable throughout"];
    if (r.plan.refusal) plan.push(`refused: ${r.plan.refusal}`);
    sections.push({ title: "Plan", body: htmlParagraphs(plan) });
    if (u.planLines.length) sections.push({ title: "Calls, as aws CLI commands (the secret shown as its placeholder)", body: htmlPre(u.planLines) });
    if (u.rollbackLines.length) sections.push({ title: "Rollback (KMS never shows a secret: fill in the previous one)", body: htmlPre(u.rollbackLines) });
  }
  if (r.check) sections.push(...checkSections(r.check));
  if (r.before || r.after) sections.push({ title: "The store", body: storeTable(r.before, r.after) });
  const facts: [string, string][] = [["region", u.region]];
  if (r.before) facts.unshift(["store", `${r.before.id} (${r.before.name})`]);
  if (r.target) facts.push(["new access key id", r.target.accessKeyId]);
  return htmlPage({
    tool: "xks-harness update",
    subject: r.target ? `${r.target.endpoint}${r.target.path}` : (r.before?.id ?? ""),
    verdict: { ok, label: r.outcome.toUpperCase(), text: r.message, lines },
    facts,
    sections,
    generatedAt,
  });
}
