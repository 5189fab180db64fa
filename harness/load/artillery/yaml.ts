/**
 * @module harness/load/artillery/yaml
 * Just enough YAML to write a scenario: block mappings and sequences, every string JSON-quoted (JSON strings
 * are YAML double-quoted scalars), so no value can be misread as a number, a date or a template.
 */
type Value = string | number | boolean | null | undefined | Value[] | { [k: string]: Value };

const scalar = (v: string | number | boolean | null) => (typeof v === "string" ? JSON.stringify(v) : String(v));
const isBlock = (v: unknown) => typeof v === "object" && v !== null && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
const key = (k: string) => (/^[A-Za-z_$][\w$.-]*$/.test(k) ? k : JSON.stringify(k));

export function toYaml(value: unknown, indent = ""): string {
  const v = value as Value;
  if (Array.isArray(v)) {
    if (v.length === 0) return `${indent}[]\n`;
    // "- " then the item's first line; its other lines indented under it.
    return v.map((item) => (isBlock(item) ? `${indent}- ${toYaml(item, `${indent}  `).slice(indent.length + 2)}` : `${indent}- ${scalar(item as string)}\n`)).join("");
  }
  if (typeof v === "object" && v !== null) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return `${indent}{}\n`;
    return entries.map(([k, x]) => (isBlock(x) ? `${indent}${key(k)}:\n${toYaml(x, `${indent}  `)}` : `${indent}${key(k)}: ${Array.isArray(x) ? "[]" : typeof x === "object" && x !== null ? "{}" : scalar(x as string)}\n`)).join("");
  }
  return `${indent}${scalar(v as string)}\n`;
}
