/**
 * The report flags, declared once: --json, --junit, --html and --no-color have the same names, defaults and help
 * in every command that takes them; a command picks its flags and may word their help its own way; the output
 * paths are refused before any traffic.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { assertReportPaths, reportFlags, writeReport } from "./report-flags.js";
import { UsageError } from "./usage-error.js";

const parse = (cmd: Command, argv: string[]) => cmd.exitOverride().configureOutput({ writeErr: () => {} }).parse(argv, { from: "user" }).opts();
const dir = mkdtempSync(join(tmpdir(), "xks-report-flags-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reportFlags", () => {
  it("declares all four, in the order --help lists them, with their defaults", () => {
    const cmd = reportFlags(new Command("x"));
    expect(cmd.options.map((o) => [o.long, o.description])).toEqual([
      ["--json", "print the report as JSON"],
      ["--junit", "also write a JUnit XML report"],
      ["--html", "also write a self-contained HTML report (no secret in it)"],
      ["--no-color", "no colour in the table"],
    ]);
    expect(parse(cmd, [])).toEqual({ json: false, color: true });
    expect(parse(reportFlags(new Command("y")), ["--json", "--junit", "r.xml", "--html", "r.html", "--no-color"])).toEqual({ json: true, junit: "r.xml", html: "r.html", color: false });
  });

  it("adds only the flags asked for, in that order, with a command's own help text", () => {
    const cmd = reportFlags(new Command("x"), ["json", "html", "color"], { color: "no colour" });
    expect(cmd.options.map((o) => [o.long, o.description])).toEqual([
      ["--json", "print the report as JSON"],
      ["--html", "also write a self-contained HTML report (no secret in it)"],
      ["--no-color", "no colour"],
    ]);
  });

  it("refuses a --junit or --html file that cannot be written, naming the flag; absent flags pass", () => {
    expect(() => assertReportPaths({})).not.toThrow();
    expect(() => assertReportPaths({ junit: join(dir, "r.xml"), html: join(dir, "r.html") })).not.toThrow();
    expect(() => assertReportPaths({ junit: join(dir, "nope", "r.xml") })).toThrow(UsageError);
    expect(() => assertReportPaths({ html: dir })).toThrow(/--html .* is a directory/);
  });
});

describe("writeReport", () => {
  it("writes the file and says where, with the absolute path", () => {
    const lines: string[] = [];
    const file = join(dir, "r.html");
    writeReport("html", file, "<html>", (line) => lines.push(line));
    expect(readFileSync(file, "utf8")).toBe("<html>");
    expect(lines).toEqual([`wrote HTML report: ${file}\n`]);
    writeReport("markdown", join(dir, "r.md"), "# r", (line) => lines.push(line));
    expect(lines[1]).toBe(`wrote Markdown report: ${join(dir, "r.md")}\n`);
  });

  it("a file it cannot write names the flag, the cause and the fix", () => {
    expect(() => writeReport("junit", join(dir, "missing", "r.xml"), "<x/>", () => {})).toThrow(
      new RegExp(`^cannot write --junit ${join(dir, "missing", "r.xml")}: its directory does not exist\\. Fix: create the directory`),
    );
  });
});
