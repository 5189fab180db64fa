/**
 * @module harness/report/html-waterfall
 * An inline SVG waterfall of one call's phases (DNS → TCP → TLS → time to first byte), each bar starting where the
 * previous ended, drawn against KMS's 250 ms budget for a whole proxy call.
 */
import { KMS_PROXY_TIMEOUT_MS } from "../../src/xks/constants.js";
import { esc, raw, type Html } from "./html.js";

export interface WaterfallPhase {
  name: string;
  /** null: the phase did not run (drawn as "not measured"). */
  ms: number | null;
}

const W = 720;
const LABEL_W = 70;
const ROW_H = 26;
const COLORS = ["#4e79a7", "#59a14f", "#9c755f", "#f28e2b"];

/** The SVG, with a text summary for screen readers and for a reader of the printed page. */
export function waterfallSvg(phases: WaterfallPhase[], markers: { label: string; ms: number }[] = [], budgetMs = KMS_PROXY_TIMEOUT_MS): Html {
  const total = phases.reduce((a, p) => a + (p.ms ?? 0), 0);
  const span = Math.max(budgetMs * 1.1, total, ...markers.map((m) => m.ms)) || budgetMs;
  const plotW = W - LABEL_W - 20;
  const x = (ms: number) => LABEL_W + (ms / span) * plotW;
  const height = ROW_H * (phases.length + 1) + 24;
  const parts: string[] = [];
  let at = 0;
  phases.forEach((p, i) => {
    const y = 8 + i * ROW_H;
    parts.push(`<text x="0" y="${y + 15}" font-size="12">${esc(p.name)}</text>`);
    if (p.ms === null) {
      parts.push(`<text x="${x(at).toFixed(1)}" y="${y + 15}" font-size="11" fill="#666">not measured</text>`);
      return;
    }
    const w = Math.max((p.ms / span) * plotW, 1);
    parts.push(`<rect x="${x(at).toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_H - 8}" fill="${COLORS[i % COLORS.length]}"><title>${esc(`${p.name} ${p.ms.toFixed(1)} ms`)}</title></rect>`);
    parts.push(`<text x="${(x(at) + w + 4).toFixed(1)}" y="${y + 15}" font-size="11">${esc(`${p.ms.toFixed(1)} ms`)}</text>`);
    at += p.ms;
  });
  const axisY = 8 + phases.length * ROW_H;
  parts.push(`<line x1="${LABEL_W}" y1="${axisY}" x2="${W - 20}" y2="${axisY}" stroke="#999"/>`);
  for (const t of ticks(span)) parts.push(`<text x="${x(t).toFixed(1)}" y="${axisY + 14}" font-size="10" text-anchor="middle" fill="#555">${t}</text>`);
  const bx = x(budgetMs).toFixed(1);
  parts.push(`<line x1="${bx}" y1="4" x2="${bx}" y2="${axisY}" stroke="#a4161a" stroke-width="2" stroke-dasharray="5 3"/>`);
  parts.push(`<text x="${bx}" y="${axisY + 28}" font-size="11" text-anchor="middle" fill="#a4161a">${esc(`${budgetMs} ms budget`)}</text>`);
  for (const m of markers) {
    const mx = x(m.ms).toFixed(1);
    parts.push(`<line x1="${mx}" y1="4" x2="${mx}" y2="${axisY}" stroke="#333" stroke-dasharray="2 2"><title>${esc(`${m.label} ${m.ms.toFixed(1)} ms`)}</title></line>`);
  }
  const summary = `${phases.map((p) => `${p.name} ${p.ms === null ? "not measured" : `${p.ms.toFixed(1)} ms`}`).join(", ")}; total ${total.toFixed(1)} ms of the ${budgetMs} ms budget`;
  const markerText = markers.length ? `; ${markers.map((m) => `${m.label} ${m.ms.toFixed(1)} ms`).join(", ")}` : "";
  return raw(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height + 10}" role="img" aria-label="${esc(summary + markerText)}" font-family="system-ui,sans-serif">${parts.join("")}</svg><p class="muted">${esc(summary + markerText)}</p>`,
  );
}

/** Round tick values across the axis. */
function ticks(span: number): number[] {
  const step = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000].find((s) => span / s <= 8) ?? Math.ceil(span / 8);
  const out: number[] = [];
  for (let t = 0; t <= span; t += step) out.push(t);
  return out;
}
