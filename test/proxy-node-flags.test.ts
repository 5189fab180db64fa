/**
 * The mock's Node flags (src/proxy/node-flags.ts) are applied by every way it starts that cannot import them: the
 * bin's shebang, `npm start` and the image's ENTRYPOINT; and the shebang line, flags included, starts the CLI.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROXY_NODE_FLAGS } from "../src/proxy/node-flags.js";
import { packageRoot } from "../src/package-root.js";

const ROOT = packageRoot();
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
const FLAGS = PROXY_NODE_FLAGS.join(" ");

describe("the mock's Node flags", () => {
  it("the xks-mock bin's shebang passes them to node", () => {
    expect(read("src/proxy/cli.ts").split("\n")[0]).toBe(`#!/usr/bin/env -S node ${FLAGS}`);
    expect(read("dist/src/proxy/cli.js").split("\n")[0]).toBe(`#!/usr/bin/env -S node ${FLAGS}`);
  });

  it("npm start passes them", () => {
    const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string>; bin: Record<string, string> };
    expect(pkg.scripts["start"]).toBe(`node ${FLAGS} ${pkg.bin["xks-mock"]}`);
  });

  it("the image's ENTRYPOINT passes them", () => {
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(read("Dockerfile"))?.[1];
    expect(JSON.parse(entrypoint ?? "[]")).toEqual(["node", ...PROXY_NODE_FLAGS, "dist/src/proxy/cli.js"]);
  });

  it("the shebang line, run as the kernel would run it, starts the CLI", () => {
    const cli = join(ROOT, "dist/src/proxy/cli.js");
    const [interpreter, ...args] = read("dist/src/proxy/cli.js").split("\n")[0]!.slice(2).split(" ");
    const out = execFileSync(interpreter!, [...args, cli, "--help"], { encoding: "utf8" });
    expect(out).toContain("xks-mock");
  });
});
