/**
 * @module harness/report/html-check
 * `check --html FILE`: the verdict, the predicted KMS outcome, the checks with their fix, and the waterfall of one
 * call against the 250 ms budget. `update --html` reuses the sections. Only what the JSON report exposes is read
 * (docs/check-report.md), plus the latency check's phase times (numbers): the settings' secret is never handed in.
 */
import type { CheckReport } from "../check/types.js";
import { esc, htmlPage, htmlParagraphs, htmlTable, raw, statusBadge, type Html, type PageVerdict } from "./html.js";
import { waterfallSvg, type WaterfallPhase } from "./html-waterfall.js";

/** What the page names about the target: the same fields as the JSON report's `target`, never the secret. */
export interface CheckHtmlTarget {
  endpoint: string;
  path: string;
  accessKeyId: string;
  region: string;
  connectivity?: string | undefined;
  keyIds?: string[] | undefined;
}

/** PASS/FAIL and what KMS would do, as the terminal table says it. */
export function checkVerdict(report: CheckReport): PageVerdict {
  if (report.verdict === "pass") {
    const continuitySkipped = report.checks.find((c) => c.id === "continuity")?.status === "skip";
    return {
      ok: true,
      label: "PASS",
      text: "UpdateCustomKeyStore with these settings is expected to succeed",
      lines: continuitySkipped ? ["key continuity NOT proven: nothing showed that the new settings reach the same key material"] : [],
    };
  }
  const lines: (Html | string)[] = [];
  if (report.predictedException) lines.push(raw(`UpdateCustomKeyStore would raise <code>${esc(report.predictedException)}</code>`));
  if (report.predictedConnectionErrorCode) lines.push(raw(`ConnectCustomKeyStore would end FAILED with ConnectionErrorCode <code>${esc(report.predictedConnectionErrorCode)}</code>`));
  return { ok: false, label: "FAIL", text: "do not run UpdateCustomKeyStore with these settings", lines };
}

/** The checks table, the waterfall and the notes: the body of a check page and of an update page. */
export function checkSections(report: CheckReport): { title: string; body: Html }[] {
  const failing = report.checks.filter((c) => c.fix && (c.status === "fail" || c.status === "warn"));
  const sections: { title: string; body: Html }[] = [];
  if (failing.length) sections.push({ title: "What to fix", body: htmlTable(["check", "fix"], failing.map((c) => [c.id, c.fix!]), [undefined, "fix"]) });
  sections.push({
    title: "Checks",
    body: htmlTable(
      ["status", "check", "what it proves", "expected / actual", "ms", "fix"],
      report.checks.map((c) => [raw(statusBadge(c.status)), c.id, c.title, c.detail, c.status === "skip" ? "" : c.ms.toFixed(0), c.fix ?? ""]),
      [undefined, undefined, undefined, "detail", undefined, "fix"],
    ),
  });
  const { phases, markers, source } = waterfallOf(report);
  sections.push({ title: "One call against KMS's 250 ms budget", body: raw(`${waterfallSvg(phases, markers).html}${htmlParagraphs([source], "muted").html}`) });
  if (report.notes?.length) sections.push({ title: "Notes", body: htmlParagraphs(report.notes) });
  return sections;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The latency check's fresh-connection averages when it ran; else the single measurements of dns/tcp/tls/auth. */
function waterfallOf(report: CheckReport): { phases: WaterfallPhase[]; markers: { label: string; ms: number }[]; source: string } {
  const t = report.timings;
  const markers: { label: string; ms: number }[] = [];
  if (t.latencyP50Ms !== null) markers.push({ label: "p50", ms: t.latencyP50Ms });
  if (t.latencyMaxMs !== null) markers.push({ label: "max", ms: t.latencyMaxMs });
  const p = (report.checks.find((c) => c.id === "latency")?.data?.["phases"] ?? null) as Record<string, unknown> | null;
  if (p && num(p["ttfbMs"]) !== null) {
    return {
      phases: [
        { name: "DNS", ms: num(p["dnsMs"]) },
        { name: "TCP", ms: num(p["tcpMs"]) },
        { name: "TLS", ms: num(p["tlsMs"]) },
        { name: "TTFB", ms: num(p["ttfbMs"]) },
      ],
      markers,
      source: "Phases: averages over the latency check's fresh connections; TTFB is from the request sent to the first byte of the answer. Dashed lines: p50 and max of all its calls.",
    };
  }
  return {
    phases: [
      { name: "DNS", ms: t.dnsMs },
      { name: "TCP", ms: t.tcpMs },
      { name: "TLS", ms: t.tlsMs },
      { name: "TTFB", ms: t.authMs },
    ],
    markers,
    source: "Phases: the dns, tcp and tls checks' own measurements; TTFB is the auth check's GetHealthStatus call (the latency check did not run).",
  };
}

/** The whole `check --html` page. */
export function checkHtml(report: CheckReport, target: CheckHtmlTarget, generatedAt?: Date): string {
  const facts: [string, string][] = [
    ["access key id", target.accessKeyId],
    ["region", target.region],
  ];
  if (target.connectivity) facts.push(["connectivity", target.connectivity]);
  if (target.keyIds?.length) facts.push(["key ids", target.keyIds.join(", ")]);
  if (report.timings.totalMs !== null) facts.push(["total", `${report.timings.totalMs.toFixed(0)} ms`]);
  return htmlPage({ tool: "xks-harness check", subject: `${target.endpoint}${target.path}`, verdict: checkVerdict(report), facts, sections: checkSections(report), generatedAt });
}
