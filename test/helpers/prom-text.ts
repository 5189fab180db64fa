/**
 * The Prometheus text exposition (format 0.0.4) as a scraper reads it: every sample line parsed into name, labels
 * and value, each TYPE remembered. A line that is neither a comment nor a well-formed sample throws, so an
 * assertion cannot pass on a body the parser did not understand; lookups match whole label values, never text.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** `# TYPE name type` by metric name. */
  types: Map<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', n: "\n" };

function parseValue(text: string, line: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  const v = Number(text);
  if (text === "" || Number.isNaN(v)) throw new Error(`exposition: bad value in ${JSON.stringify(line)}`);
  return v;
}

/** `{a="x",b="y\"z"}` from the start of `rest`; returns the labels and what follows the closing brace. */
function parseLabels(rest: string, line: string): { labels: Record<string, string>; after: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  const fail = () => new Error(`exposition: bad labels in ${JSON.stringify(line)}`);
  while (rest[i] !== "}") {
    const name = LABEL_NAME.exec(rest.slice(i))?.[0];
    if (!name || rest[i + name.length] !== "=" || rest[i + name.length + 1] !== '"') throw fail();
    i += name.length + 2;
    let value = "";
    for (;;) {
      const c = rest[i++];
      if (c === undefined) throw fail();
      if (c === '"') break;
      if (c === "\\") {
        const e = ESCAPES[rest[i++] ?? ""];
        if (e === undefined) throw fail();
        value += e;
      } else value += c;
    }
    if (Object.hasOwn(labels, name)) throw fail();
    labels[name] = value;
    if (rest[i] === ",") i++;
    else if (rest[i] !== "}") throw fail();
  }
  return { labels, after: rest.slice(i + 1) };
}

export function parseExposition(body: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of body.split("\n")) {
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      const t = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (t) types.set(t[1]!, t[2]!);
      continue;
    }
    const name = NAME.exec(line)?.[0];
    if (!name) throw new Error(`exposition: no metric name in ${JSON.stringify(line)}`);
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, after: rest } = parseLabels(rest, line));
    const fields = rest.trim().split(/\s+/);
    if (!rest.startsWith(" ") || fields.length < 1 || fields.length > 2) throw new Error(`exposition: bad sample ${JSON.stringify(line)}`);
    samples.push({ name, labels, value: parseValue(fields[0]!, line) });
  }
  return { samples, types };
}

/** The samples named `name` whose labels include every pair of `labels`. */
export function select(e: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The value of the one sample that matches, or undefined when none does; more than one is an error (labels too loose). */
export function valueOf(e: Exposition, name: string, labels: Record<string, string>): number | undefined {
  const found = select(e, name, labels);
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}: give every label`);
  return found[0]?.value;
}
