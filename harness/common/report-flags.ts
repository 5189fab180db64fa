/**
 * @module harness/common/report-flags
 * The flags that choose a command's report (--json, --junit FILE, --html FILE, --no-color), declared once for
 * check, conformance, update and load. A command picks the ones it takes, in the order its --help lists them, and
 * may word a help text its own way (`update --html` says what its page holds); names, defaults and the check of
 * the output paths stay the same everywhere.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { describeError } from "../../src/error-words.js";
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

/** A report file that could not be written: the run itself is over, so this is not bad usage (exit 1). */
export class ReportWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReportWriteError";
  }
}

/** What each report file is called in the line that says where it went. */
const REPORT_KINDS = { junit: "JUnit report", html: "HTML report", markdown: "Markdown report" } as const;
export type ReportKind = keyof typeof REPORT_KINDS;

/**
 * Writes one report file and says where, on stderr ("wrote HTML report: /abs/path.html"), so stdout stays the
 * report itself (--json). A failure to write names the flag, the cause and the fix.
 */
type Log = (line: string) => void;
const toStderr: Log = (line) => void process.stderr.write(line);

export function writeReport(kind: ReportKind, file: string, text: string, log: Log = toStderr): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    const why = describeError(err, { file, flag: `--${kind}`, access: "write" });
    throw new ReportWriteError(`cannot write --${kind} ${file}: ${why}`);
  }
  log(`wrote ${REPORT_KINDS[kind]}: ${resolve(file)}\n`);
}
