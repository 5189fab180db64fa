/**
 * @module harness/report/junit
 * JUnit XML, the format every CI system reads: one testcase per check (or conformance case).
 */
import type { ResultStatus } from "./result-status.js";
export interface JunitCase {
  name: string;
  classname: string;
  status: ResultStatus;
  ms: number;
  message?: string | undefined;
  output?: string | undefined;
}

function esc(text: string): string {
  // XML 1.0 forbids most control characters even when escaped.
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "?").replace(/[<>&"']/g, (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "apos" }[c]};`);
}

export function toJunit(suite: string, cases: JunitCase[]): string {
  const failures = cases.filter((c) => c.status === "fail").length;
  const skipped = cases.filter((c) => c.status === "skip").length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = cases.reduce((a, c) => a + c.ms, 0);
  const body = cases.map((c) => {
    const inner =
      c.status === "fail"
        ? `<failure message="${esc(c.message ?? "failed")}">${esc(c.output ?? c.message ?? "")}</failure>`
        : c.status === "skip"
          ? `<skipped message="${esc(c.message ?? "skipped")}"/>`
          : c.output
            ? `<system-out>${esc(c.output)}</system-out>`
            : "";
    return `    <testcase classname="${esc(c.classname)}" name="${esc(c.name)}" time="${seconds(c.ms)}">${inner}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${esc(suite)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${seconds(total)}">`,
    `  <testsuite name="${esc(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(total)}">`,
    ...body,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

/** Several testsuites in one document (e.g. one per key store of `check --terraform-plan`). */
export function toJunitSuites(name: string, suites: { name: string; cases: JunitCase[] }[]): string {
  // Each suite is rendered by toJunit and its <testsuite> element kept: one escaping and one case format.
  const inner = suites.map((s) => {
    const doc = toJunit(s.name, s.cases);
    return doc.slice(doc.indexOf("  <testsuite "), doc.lastIndexOf("</testsuites>")).trimEnd();
  });
  const all = suites.flatMap((s) => s.cases);
  const failures = all.filter((c) => c.status === "fail").length;
  const skipped = all.filter((c) => c.status === "skip").length;
  const time = (all.reduce((a, c) => a + c.ms, 0) / 1000).toFixed(3);
  const head = `<testsuites name="${esc(name)}" tests="${all.length}" failures="${failures}" skipped="${skipped}" time="${time}">`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', head, ...inner, "</testsuites>", ""].join("\n");
}
