/** `--version` on both bins prints the package.json version and exits 0. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../src/package-root.js";
import { runCli } from "./helpers/cli-process.js";

const version = (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;

describe("--version", () => {
  it.each([
    ["xks-mock", "dist/src/bin/xks-mock.js"],
    ["xks-harness", "dist/harness/cli.js"],
  ])("%s --version prints %s's package.json version, exit 0", async (_bin, script) => {
    for (const flag of ["--version", "-V"]) {
      const run = await runCli(join(packageRoot(), script), [flag]);
      expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    }
  });
});
