/**
 * @module xks/sigv4/amz-date
 * X-Amz-Date is basic ISO 8601, `YYYYMMDD'T'HHMMSS'Z'` in UTC. The caller passes `now`; nothing here reads the clock.
 */
const AMZ_DATE = /^\d{8}T\d{6}Z$/;

export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, "");
}

/** The number written by `length` ASCII digits at `from` (the caller checked they are digits). */
function digits(text: string, from: number, length: number): number {
  let n = 0;
  for (let i = from; i < from + length; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

/** Milliseconds since the epoch, or undefined when the text is not a valid X-Amz-Date. */
export function parseAmzDate(text: string): number | undefined {
  // Every request is checked, so this reads digits in place instead of building match arrays and strings.
  if (!AMZ_DATE.test(text)) return undefined;
  const y = digits(text, 0, 4);
  const mo = digits(text, 4, 2);
  const d = digits(text, 6, 2);
  const h = digits(text, 9, 2);
  const mi = digits(text, 11, 2);
  const s = digits(text, 13, 2);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 20240231 over to March (and maps years 0-99 to 19xx): reject what does not come back unchanged.
  const t = new Date(ms);
  const same = t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s;
  return same ? ms : undefined;
}

