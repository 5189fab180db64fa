/**
 * `--help` and `--version` of both bins load commander and our flag declarations only: the AWS SDK, testcontainers,
 * express, pino, undici, zod and the rest load in the subcommand that runs (issue 13: CLI start within 2× a bare
 * `node -e 0`; `npm run bench` measures the time, this test keeps the cause from coming back).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../src/package-root.js";
import { runCli } from "./helpers/cli-process.js";

// A resolve hook that records every module the CLI asks for, in the file named by LOADED_LOG.
const dir = mkdtempSync(join(tmpdir(), "cli-start-"));
writeFileSync(
  join(dir, "hook.mjs"),
  `import { appendFileSync } from "node:fs";
export async function resolve(spec, ctx, next) { const r = await next(spec, ctx); appendFileSync(process.env.LOADED_LOG, r.url + "\\n"); return r; }
`,
);
writeFileSync(join(dir, "register.mjs"), `import { register } from "node:module"; register(${JSON.stringify(pathToFileURL(join(dir, "hook.mjs")).href)});\n`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The npm packages (node_modules/<name>, scoped names whole) a run of `script args` loaded. */
async function packagesLoaded(script: string, args: string[], log: string): Promise<{ code: number | null; stdout: string; packages: string[] }> {
  writeFileSync(log, "");
  const run = await runCli(join(packageRoot(), script), args, { NODE_OPTIONS: `--import ${pathToFileURL(join(dir, "register.mjs")).href}`, LOADED_LOG: log });
  const packages = new Set<string>();
  for (const url of readFileSync(log, "utf8").split("\n")) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (m) packages.add(m[1]!);
  }
  return { code: run.code, stdout: run.stdout, packages: [...packages].sort() };
}

describe("CLI start loads commander only", () => {
  it.each([
    ["dist/harness/cli.js", ["--help"]],
    ["dist/harness/cli.js", ["--version"]],
    ["dist/harness/cli.js", ["check", "--help"]],
    ["dist/harness/cli.js", ["snapshot", "--help"]],
    ["dist/harness/cli.js", ["conformance", "--help"]],
    ["dist/harness/cli.js", ["update", "--help"]],
    ["dist/harness/cli.js", ["load", "--help"]],
    ["dist/harness/cli.js", ["watch", "--help"]],
    ["dist/src/bin/xks-mock.js", ["--help"]],
    ["dist/src/bin/xks-mock.js", ["--version"]],
  ])("node %s %j: exit 0, output, no package but commander", async (script, args) => {
    const run = await packagesLoaded(script, args, join(dir, `${args.join("-")}.log`));
    expect(run.code).toBe(0);
    expect(run.stdout).not.toBe("");
    expect(run.packages).toEqual(["commander"]);
  });

  it("a run that does work loads its heavy modules (the hook sees them)", async () => {
    // `update` with bad usage fails after its action loaded the run module, which imports the AWS SDK.
    const run = await packagesLoaded("dist/harness/cli.js", ["update", "--custom-key-store-id", "cks-1"], join(dir, "update-run.log"));
    expect(run.code).toBe(2);
    expect(run.packages).toContain("@aws-sdk/client-kms");
  });
});
