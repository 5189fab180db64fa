/**
 * @module harness/report/html-charts
 * Inline SVG charts for the load report (`load --html`): the latency percentile curve of each step and the rate
 * asked against the rate served per step, both against KMS's 250 ms budget where it applies. Kept apart from the
 * load command so its report shape can change without touching the drawing.
 */
import { KMS_PROXY_TIMEOUT_MS } from "../../src/xks/constants.js";
import { esc, raw, type Html } from "./html.js";

export interface PercentileSeries {
  /** E.g. "100 req/s". */
  label: string;
  /** [percentile 0–100, latency ms], in increasing percentile. */
  points: [number, number][];
}

const W = 720;
const H = 300;
const PAD = { left: 50, right: 130, top: 10, bottom: 40 };
const COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"];

/** The percentile axis stretches the tail: x = -log10(1 - p/100), so p50, p90, p99, p99.9 are evenly spaced. */
function tailX(p: number): number {
  return -Math.log10(Math.max(1 - p / 100, 1e-4));
}

export function percentileCurveSvg(series: PercentileSeries[], budgetMs = KMS_PROXY_TIMEOUT_MS): Html {
  const maxMs = Math.max(budgetMs * 1.1, ...series.flatMap((s) => s.points.map(([, ms]) => ms)));
  const maxX = Math.max(tailX(99.9), ...series.flatMap((s) => s.points.map(([p]) => tailX(p))));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (p: number) => PAD.left + (tailX(p) / maxX) * plotW;
  const y = (ms: number) => PAD.top + plotH - (ms / maxMs) * plotH;
  const parts: string[] = [`<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${PAD.left + plotW}" y2="${PAD.top + plotH}" stroke="#999"/>`, `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + plotH}" stroke="#999"/>`];
  for (const p of [0, 50, 90, 99, 99.9]) parts.push(`<text x="${x(p).toFixed(1)}" y="${PAD.top + plotH + 14}" font-size="10" text-anchor="middle" fill="#555">p${p}</text>`);
  for (const ms of [0, maxMs / 2, maxMs]) parts.push(`<text x="${PAD.left - 4}" y="${(y(ms) + 3).toFixed(1)}" font-size="10" text-anchor="end" fill="#555">${esc(ms.toFixed(0))}</text>`);
  parts.push(`<text x="${PAD.left + plotW / 2}" y="${H - 4}" font-size="11" text-anchor="middle">percentile (tail stretched)</text>`);
  const by = y(budgetMs).toFixed(1);
  parts.push(`<line x1="${PAD.left}" y1="${by}" x2="${PAD.left + plotW}" y2="${by}" stroke="#a4161a" stroke-width="2" stroke-dasharray="5 3"/>`);
  parts.push(`<text x="${PAD.left + plotW + 4}" y="${by}" font-size="11" fill="#a4161a">${esc(`${budgetMs} ms budget`)}</text>`);
  // The legend sits at the top unless the budget's label is there (latencies well under budget): then below it.
  let legendTop = PAD.top + 24;
  if (Number(by) > legendTop - 14 && Number(by) < legendTop + series.length * 14) legendTop = Number(by) + 18;
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const d = s.points.map(([p, ms], j) => `${j ? "L" : "M"}${x(p).toFixed(1)},${y(ms).toFixed(1)}`).join("");
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"><title>${esc(s.label)}</title></path>`);
    parts.push(`<text x="${PAD.left + plotW + 4}" y="${(legendTop + i * 14).toFixed(1)}" font-size="11" fill="${color}">${esc(s.label)}</text>`);
  });
  const summary = series.map((s) => `${s.label}: ${s.points.map(([p, ms]) => `p${p} ${ms.toFixed(1)} ms`).join(", ")}`).join("; ");
  return raw(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(`latency by percentile: ${summary}`)}" font-family="system-ui,sans-serif">${parts.join("")}</svg>`);
}

export interface RateStep {
  label: string;
  targetRate: number;
  achievedRate: number;
  pass: boolean;
}

/** One pair of bars per step: the rate asked (outline) and the rate served (filled, green or red by the step's verdict). */
export function rateStepsSvg(steps: RateStep[]): Html {
  const maxRate = Math.max(1, ...steps.flatMap((s) => [s.targetRate, s.achievedRate]));
  const rowH = 24;
  const labelW = 110;
  const plotW = W - labelW - 120;
  const height = steps.length * rowH + 24;
  const parts: string[] = [];
  steps.forEach((s, i) => {
    const top = 4 + i * rowH;
    const w = (r: number) => Math.max((r / maxRate) * plotW, 1).toFixed(1);
    parts.push(`<text x="0" y="${top + 14}" font-size="12">${esc(s.label)}</text>`);
    parts.push(`<rect x="${labelW}" y="${top + 2}" width="${w(s.targetRate)}" height="${rowH - 8}" fill="none" stroke="#555"/>`);
    parts.push(`<rect x="${labelW}" y="${top + 5}" width="${w(s.achievedRate)}" height="${rowH - 14}" fill="${s.pass ? "#17692f" : "#a4161a"}"><title>${esc(`${s.label}: asked ${s.targetRate}/s, served ${s.achievedRate.toFixed(1)}/s`)}</title></rect>`);
    parts.push(`<text x="${labelW + plotW + 6}" y="${top + 14}" font-size="11">${esc(`${s.achievedRate.toFixed(1)} / ${s.targetRate} req/s`)}</text>`);
  });
  parts.push(`<text x="${labelW}" y="${height - 4}" font-size="10" fill="#555">outline: rate asked; filled: rate served (green: the step passed)</text>`);
  return raw(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" role="img" aria-label="${esc(steps.map((s) => `${s.label} asked ${s.targetRate}/s served ${s.achievedRate.toFixed(1)}/s ${s.pass ? "pass" : "fail"}`).join("; "))}" font-family="system-ui,sans-serif">${parts.join("")}</svg>`);
}
