/**
 * @module harness/common/report-flags
 * The flags that choose a command's report (--json, --junit FILE, --html FILE, --no-color), declared once for
 * check, conformance, update and load. A command picks the ones it takes, in the order its --help lists them, and
 * may word a help text its own way (`update --html` says what its page holds); names, defaults and the check of
 * the output paths stay the same everywhere.
 */
import type { Command } from "commander";
import { assertOutputPath } from "./output-path.js";

const FLAGS = {
  json: { flags: "--json", help: "print the report as JSON", default: false },
  junit: { flags: "--junit <file>", help: "also write a JUnit XML report" },
  html: { flags: "--html <file>", help: "also write a self-contained HTML report (no secret in it)" },
  // Commander turns --no-color into `color`, true unless the flag is given.
  color: { flags: "--no-color", help: "no colour in the table" },
} as const;

export type ReportFlag = keyof typeof FLAGS;

/** What the report flags parse to (commander's camelCase names), for a command that takes them all. */
export interface ReportFlagValues {
  json: boolean;
  junit?: string | undefined;
  html?: string | undefined;
  color: boolean;
}

const ALL_REPORT_FLAGS = Object.keys(FLAGS) as ReportFlag[];

/** Adds the `names` flags to `cmd`, in that order; `help` rewords some of them for this command. */
export function reportFlags(cmd: Command, names: readonly ReportFlag[] = ALL_REPORT_FLAGS, help: Partial<Record<ReportFlag, string>> = {}): Command {
  for (const name of names) {
    const f: { flags: string; help: string; default?: boolean } = FLAGS[name];
    const text = help[name] ?? f.help;
    if (f.default !== undefined) cmd.option(f.flags, text, f.default);
    else cmd.option(f.flags, text);
  }
  return cmd;
}

/**
 * Refuses (UsageError, exit 2) a --junit or --html file that cannot be written. Call it before the first packet:
 * a run should not spend its probes and then fail on a typo in a path.
 */
export function assertReportPaths(f: { junit?: string | undefined; html?: string | undefined }): void {
  assertOutputPath(f.junit, "--junit");
  assertOutputPath(f.html, "--html");
}
