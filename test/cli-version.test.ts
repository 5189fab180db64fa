/** `--version` on both bins prints the package.json version, the Node version and the XKS Proxy API version, exit 0. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../src/package-root.js";
import { XKS_API_VERSION } from "../src/xks/index.js";
import { runCli } from "./helpers/cli-process.js";

const version = (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;

describe("--version", () => {
  it.each([
    ["xks-mock", "dist/src/bin/xks-mock.js"],
    ["xks-harness", "dist/harness/cli.js"],
  ])("%s --version prints the package.json version, Node's and the XKS Proxy API's, exit 0", async (_bin, script) => {
    for (const flag of ["--version", "-V"]) {
      const run = await runCli(join(packageRoot(), script), [flag]);
      expect(run).toEqual({ code: 0, stdout: `${version} (Node ${process.version}; XKS Proxy API v1, spec ${XKS_API_VERSION})\n`, stderr: "" });
    }
  });
});
