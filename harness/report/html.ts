/**
 * @module harness/report/html
 * The shell every `--html FILE` report shares: one self-contained page (inline CSS, inline SVG, no script) whose
 * Content-Security-Policy forbids every fetch, so the file provably loads nothing when opened. Each command's
 * module (html-check.ts, html-conformance.ts, html-update.ts, html-load.ts) renders its sections with the helpers here; every
 * value goes through `esc`. The renderers take only fields the JSON reports already expose: no secret reaches a page.
 */
import type { ResultStatus } from "./result-status.js";

/** Nothing may be fetched: inline styles only, images only as data: URLs (none today). */
export const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for element content and quoted attributes alike. */
export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A fragment of markup that is already escaped; anything else handed to the shell is escaped as text. */
export interface Html {
  readonly html: string;
}
export const raw = (html: string): Html => ({ html });

const asHtml = (v: Html | string): string => (typeof v === "string" ? esc(v) : v.html);

export interface PageVerdict {
  /** Green or red: the one thing a reader must see first. */
  ok: boolean;
  /** E.g. "PASS", "FAIL", "DRY-RUN". */
  label: string;
  /** One sentence: what the verdict means for the operator. */
  text: string;
  /** Lines under it (the predicted exception and ConnectionErrorCode, ...). */
  lines?: (Html | string)[];
}

export interface PageInput {
  /** The command, e.g. "xks-harness check". */
  tool: string;
  /** What was tested, e.g. the endpoint and path. */
  subject: string;
  verdict: PageVerdict;
  /** Facts about the target (access key id, region, ...): never a secret. */
  facts: [string, string][];
  sections: { title: string; body: Html }[];
  generatedAt?: Date;
}

const CSS = `
:root{--ok:#17692f;--bad:#a4161a;--warn:#8a5a00;--skip:#5f6368;--line:#d0d4d9;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#fff}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.1rem;margin:0 0 4px}h2{font-size:1rem;margin:24px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.subject{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all;color:#333}
.verdict{border-radius:6px;padding:12px 16px;margin:12px 0;color:#fff}
.verdict.ok{background:var(--ok)}.verdict.bad{background:var(--bad)}
.verdict strong{font-size:1.4rem;margin-right:8px}
.verdict ul{margin:6px 0 0;padding-left:20px}
.verdict code{background:rgba(255,255,255,.18);color:#fff}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}
dl.facts dt{color:#555}dl.facts dd{margin:0;word-break:break-all}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;background:var(--bg);border-radius:3px}
code{padding:0 3px}pre{padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{background:var(--bg);font-weight:600}
td.detail{white-space:pre-wrap;word-break:break-word}
.st{display:inline-block;min-width:3.2em;text-align:center;font-weight:700;font-size:.8rem;border-radius:3px;padding:1px 4px;color:#fff}
.st.pass{background:var(--ok)}.st.fail{background:var(--bad)}.st.warn{background:var(--warn)}.st.skip{background:var(--skip)}
.fix{color:var(--bad)}.muted{color:#666}
svg{max-width:100%;height:auto;display:block}
footer{margin-top:24px;color:#666;font-size:.8rem}
@media (max-width:640px){
 main{padding:10px}
 table,thead,tbody,tr,th,td{display:block}thead{display:none}
 tr{border:1px solid var(--line);border-radius:4px;margin-bottom:8px;padding:4px}
 td{border:0;padding:3px 6px}
 td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:#555}
}
@media print{
 body{font-size:11pt}main{max-width:none;padding:0}
 .verdict,.st{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 tr,.verdict,svg{break-inside:avoid}pre{white-space:pre-wrap}
}`;

/** The whole document. */
export function htmlPage(p: PageInput): string {
  const v = p.verdict;
  const lines = v.lines?.length ? `<ul>${v.lines.map((l) => `<li>${asHtml(l)}</li>`).join("")}</ul>` : "";
  const facts = p.facts.map(([k, val]) => `<dt>${esc(k)}</dt><dd>${esc(val)}</dd>`).join("");
  const sections = p.sections.map((s) => `<section><h2>${esc(s.title)}</h2>${s.body.html}</section>`).join("\n");
  const when = (p.generatedAt ?? new Date()).toISOString();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(HTML_CSP)}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(`${p.tool}: ${v.label}`)}</title>
<style>${CSS}</style></head>
<body><main>
<header><h1>${esc(p.tool)}</h1><div class="subject">${esc(p.subject)}</div></header>
<div class="verdict ${v.ok ? "ok" : "bad"}" role="status"><strong>${esc(v.label)}</strong>${esc(v.text)}${lines}</div>
<dl class="facts">${facts}</dl>
${sections}
<footer>Written by ${esc(p.tool)} at ${esc(when)}. Self-contained: this file loads nothing from the network.</footer>
</main></body></html>
`;
}

/** A status badge: the same words as the terminal tables. */
export function statusBadge(s: ResultStatus): string {
  return `<span class="st ${esc(s)}">${esc(s.toUpperCase())}</span>`;
}

/** A table whose cells are escaped text unless given as `raw`; on a phone each row becomes a labelled card. */
export function htmlTable(headers: string[], rows: (Html | string)[][], cellClass: (string | undefined)[] = []): Html {
  const head = `<thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead>`;
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td data-label="${esc(headers[i])}"${cellClass[i] ? ` class="${esc(cellClass[i])}"` : ""}>${asHtml(c)}</td>`).join("")}</tr>`)
    .join("\n");
  return raw(`<table>${head}<tbody>${body}</tbody></table>`);
}

/** Preformatted lines (aws CLI commands, notes). */
export function htmlPre(lines: string[]): Html {
  return raw(`<pre>${lines.map(esc).join("\n")}</pre>`);
}

export function htmlParagraphs(lines: string[], cls?: string): Html {
  return raw(lines.map((l) => `<p${cls ? ` class="${esc(cls)}"` : ""}>${esc(l)}</p>`).join(""));
}
