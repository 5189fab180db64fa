/**
 * @module xks/sigv4/amz-date
 * X-Amz-Date is basic ISO 8601, `YYYYMMDD'T'HHMMSS'Z'` in UTC. The caller passes `now`; nothing here reads the clock.
 */
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, "");
}

/** Milliseconds since the epoch, or undefined when the text is not a valid X-Amz-Date. */
export function parseAmzDate(text: string): number | undefined {
  const m = AMZ_DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 20240231 over to March: round-trip to reject impossible dates.
  return formatAmzDate(new Date(ms)) === text ? ms : undefined;
}

/** True when the timestamp is within `maxSkewMs` of `now`, either way. */
export function isFresh(amzDate: string, now: Date, maxSkewMs: number): boolean {
  const ms = parseAmzDate(amzDate);
  return ms !== undefined && Math.abs(now.getTime() - ms) <= maxSkewMs;
}
