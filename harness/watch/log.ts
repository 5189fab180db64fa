/**
 * @module harness/watch/log
 * What `watch` writes: one line when it starts, one per state change, one when it stops — as text, or as JSON
 * lines for log shippers (--json). The fields of a JSON line: `time` (ISO 8601), `event` (start, state, stop) and
 * per event: start `endpoint`, `intervalS`, `metrics` (URL or null with --once), `customKeyStoreId`; state
 * `round`, `from` (null on the first round), `to`, `reasons`; stop `signal`.
 */
import type { Paint } from "../report/style.js";
import { LATENCY_WARN_MS, type WatchState } from "./state.js";

export type WatchEvent =
  | { event: "start"; endpoint: string; intervalS: number; metrics: string | null; customKeyStoreId: string }
  | { event: "state"; round: number; from: WatchState | null; to: WatchState; reasons: string[] }
  | { event: "stop"; signal: string };

const COLOUR: Record<WatchState, Parameters<Paint>[0]> = { healthy: "green", degraded: "yellow", failing: "red" };

export function formatEvent(e: WatchEvent, time: Date, json: boolean, paint: Paint): string {
  if (json) return `${JSON.stringify({ time: time.toISOString(), ...e })}\n`;
  const at = time.toISOString();
  if (e.event === "start") {
    const store = e.customKeyStoreId ? ` (store ${e.customKeyStoreId})` : "";
    // No metrics endpoint means --once: one round, so no interval to name.
    if (e.metrics === null) return `${at} checking ${e.endpoint} once${store}\n`;
    return `${at} watching ${e.endpoint} every ${e.intervalS} s; metrics on ${e.metrics}${store}\n`;
  }
  if (e.event === "stop") return `${at} stopped (${e.signal})\n`;
  const to = paint(COLOUR[e.to], e.to);
  const why = e.reasons.length ? e.reasons.join("; ") : `every call answered correctly within ${LATENCY_WARN_MS} ms`;
  return `${at} ${e.from ? `${e.from} → ${to}` : to} (round ${e.round}): ${why}\n`;
}
