import { existsSync, mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./dev-pki.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe("certs CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "dev-pki-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 2 on an unknown flag", async () => {
    const c = capture();
    expect(await runCli(["--bogus"], c.io)).toBe(2);
    expect(c.err.join("\n")).toMatch(/bogus/);
    expect(c.out).toEqual([]);
  });

  it("exits 2 on a positional argument", async () => {
    expect(await runCli(["somewhere"], capture().io)).toBe(2);
  });

  it("writes the files, lists paths only, then reports them present", async () => {
    const target = join(dir, "certs");
    const first = capture();
    expect(await runCli(["--dir", target], first.io)).toBe(0);
    const text = first.out.join("\n");
    expect(text).toContain(join(target, "server.key.pem"));
    expect(text).not.toMatch(/PRIVATE KEY|BEGIN/);

    const second = capture();
    expect(await runCli(["--dir", target], second.io)).toBe(0);
    expect(second.out.join("\n")).toMatch(/already present/);

    const forced = capture();
    expect(await runCli(["--dir", target, "--force"], forced.io)).toBe(0);
    expect(forced.out.join("\n")).toContain("written");
  });

  it("refuses a partial set without --force, naming the missing files; --force replaces it", async () => {
    const target = join(dir, "partial");
    expect(await runCli(["--dir", target], capture().io)).toBe(0);
    unlinkSync(join(target, "server.key.pem"));
    const refused = capture();
    expect(await runCli(["--dir", target], refused.io)).toBe(1);
    expect(refused.err.join("\n")).toMatch(/but not server\.key\.pem\. Nothing was changed\./);
    expect(existsSync(join(target, "server.key.pem"))).toBe(false);
    expect(await runCli(["--dir", target, "--force"], capture().io)).toBe(0);
    expect(existsSync(join(target, "server.key.pem"))).toBe(true);
  });
});
