/**
 * @module xks/issue-words
 * A schema problem in words: the field and the rule it breaks ("keyStatus: must be \"ENABLED\""), never zod's own
 * wording ("Invalid input: expected \"ENABLED\""). A message a schema sets itself is kept as it is; zod's defaults
 * are rebuilt from the issue's structure (code, expected values, bounds), which holds no value of the input.
 */
import type { z } from "zod";

type Issue = z.core.$ZodIssue;

/** zod's English defaults (zod/v4/locales/en.js), which a schema that sets its own message never produces. */
const ZOD_DEFAULT = new RegExp(
  [
    "^Invalid input",
    "^Invalid option",
    "^Too (big|small): expected",
    "^Invalid (string|number): must",
    "^Unrecognized keys?:",
    "^Invalid (key|value) in",
    "^Invalid discriminator value",
    "^Invalid [A-Za-z0-9 ]+$",
  ].join("|"),
);

const quote = (v: unknown) => (typeof v === "string" ? `"${v}"` : String(v));
const a = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

const SIZE_UNIT: Record<string, [string, string]> = {
  string: ["character", "characters"],
  array: ["item", "items"],
  set: ["item", "items"],
  map: ["entry", "entries"],
  file: ["byte", "bytes"],
};

interface Bound {
  origin: string;
  inclusive?: boolean;
  exact?: boolean;
}

function bound(kind: "least" | "most", issue: Bound, n: number | bigint): string {
  const units = SIZE_UNIT[issue.origin];
  if (units) {
    const count = issue.inclusive === false && !issue.exact ? Number(n) + (kind === "least" ? 1 : -1) : Number(n);
    const unit = units[count === 1 ? 0 : 1];
    return issue.exact ? `must have exactly ${count} ${unit}` : `must have at ${kind} ${count} ${unit}`;
  }
  if (issue.exact) return `must be exactly ${n}`;
  const strict = issue.inclusive === false;
  const word = kind === "least" ? (strict ? "greater than" : "at least") : strict ? "less than" : "at most";
  return `must be ${word} ${n}`;
}

/** The rule an issue breaks, in words, without the field name. */
export function issueRule(issue: Issue): string {
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      // zod's default says "received undefined" for a field that is not there at all.
      if (/received undefined$/.test(issue.message)) return `is missing (it must be ${a(issue.expected)})`;
      return `must be ${a(issue.expected)}`;
    case "invalid_value":
      if (issue.values.length === 1) return `must be ${quote(issue.values[0])}`;
      return `must be one of ${issue.values.map(quote).join(", ")}`;
    case "too_small":
      return bound("least", issue, issue.minimum);
    case "too_big":
      return bound("most", issue, issue.maximum);
    case "invalid_format":
      if (issue.format === "regex") return "does not have the form the field requires";
      return `must be a valid ${issue.format.replace(/_/g, " ")}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    case "unrecognized_keys": {
      const which = issue.keys.length > 1 ? "fields" : "a field";
      return `has ${which} this format does not know: ${issue.keys.join(", ")} (check the spelling)`;
    }
    case "invalid_union":
      return "matches none of the forms allowed here";
    case "invalid_key":
      return "has a key of the wrong form";
    case "invalid_element":
      return "has an entry of the wrong form";
    default:
      return issue.message;
  }
}

/** "field: rule": the field's dotted path and the rule; a message already starting with its path is not prefixed. */
export function issueText(issue: Issue): string {
  const path = issue.path.map(String).join(".");
  if (!ZOD_DEFAULT.test(issue.message)) {
    return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
  }
  return `${path || "the document"}: ${issueRule(issue)}`;
}
