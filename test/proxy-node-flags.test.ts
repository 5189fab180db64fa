/**
 * The mock's Node flags (src/bin/node-flags.ts) are applied where it starts without importing them: `npm start`
 * and the image's ENTRYPOINT; and node accepts them. The bin's shebang stays portable.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROXY_NODE_FLAGS } from "../src/bin/node-flags.js";
import { packageRoot } from "../src/package-root.js";

const ROOT = packageRoot();
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
const FLAGS = PROXY_NODE_FLAGS.join(" ");

describe("the mock's Node flags", () => {
  it("the xks-mock bin's shebang is plain `env node` (BusyBox's env has no -S, so flags there would break the bin)", () => {
    expect(read("src/bin/xks-mock.ts").split("\n")[0]).toBe("#!/usr/bin/env node");
    expect(read("dist/src/bin/xks-mock.js").split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  it("npm start passes them (after building)", () => {
    const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string>; bin: Record<string, string> };
    expect(pkg.scripts["start"]).toBe(`tsc -p tsconfig.json && node ${FLAGS} ${pkg.bin["xks-mock"]}`);
  });

  it("the image's ENTRYPOINT passes them", () => {
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(read("Dockerfile"))?.[1];
    expect(JSON.parse(entrypoint ?? "[]")).toEqual(["node", ...PROXY_NODE_FLAGS, "dist/src/bin/xks-mock.js"]);
  });

  it("node accepts them: the CLI starts with them (an unknown or malformed flag would stop node)", () => {
    const out = execFileSync(process.execPath, [...PROXY_NODE_FLAGS, join(ROOT, "dist/src/bin/xks-mock.js"), "--help"], { encoding: "utf8" });
    expect(out).toContain("xks-mock");
  });
});
