/**
 * @module harness/check/terraform/redact
 * The last line of defence of every output: each secret the plan holds (raw_secret_access_key, a provider's
 * secret_key, passwords) is replaced wherever it would appear. The reports never take the secret in the first place.
 */

/** Keys whose string values are secrets, wherever they sit in the plan document. */
const SECRET_KEY = /secret|password|token/i;
/** Shorter values would also match ordinary words; no KMS or AWS secret is this short. */
const MIN_SECRET_CHARS = 8;
export const REDACTED = "<redacted>";

/** Every secret-looking string value of the document (bounded walk: depth 64). */
export function secretsIn(doc: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, key: string, depth: number) => {
    if (depth > 64) return;
    if (typeof v === "string") {
      if (SECRET_KEY.test(key) && v.length >= MIN_SECRET_CHARS) found.add(v);
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, key, depth + 1);
    } else if (typeof v === "object" && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        // constant_value of an expression inherits the attribute's name (configuration of the plan).
        walk(x, k === "constant_value" ? key : k, depth + 1);
      }
    }
  };
  walk(doc, "", 0);
  // Longest first, so a secret that contains another is replaced whole.
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with every secret replaced. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}
