import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../package-root.js";
import { CertsDirError, chooseCertsDir, isCheckout, userStateDir } from "./certs-dir.js";

const scratch = mkdtempSync(join(tmpdir(), "certs-dir-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder laid out as an installed package (package.json, dist/; no .git), or as a checkout (with .git and src/). */
function packageDir(name: string, checkout: boolean, gitAsFile = false): string {
  const root = join(scratch, name);
  mkdirSync(join(root, "dist"), { recursive: true });
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "xks-harness" }));
  if (checkout) {
    mkdirSync(join(root, "src"));
    if (gitAsFile) writeFileSync(join(root, ".git"), "gitdir: /elsewhere/worktrees/x\n");
    else mkdirSync(join(root, ".git"));
  }
  return root;
}

describe("chooseCertsDir", () => {
  const installed = packageDir("installed", false);
  const home = join(scratch, "home");

  it("an installed package: the per-user state dir, never inside the package", () => {
    expect(chooseCertsDir({ root: installed, env: {}, home })).toEqual({ dir: join(home, ".local", "state", "xks-harness"), source: "state" });
  });

  it("an installed package with XDG_STATE_HOME: $XDG_STATE_HOME/xks-harness", () => {
    const env = { XDG_STATE_HOME: join(scratch, "xdg") };
    expect(chooseCertsDir({ root: installed, env, home })).toEqual({ dir: join(scratch, "xdg", "xks-harness"), source: "state" });
  });

  it("a relative XDG_STATE_HOME is ignored, as the XDG spec says", () => {
    expect(userStateDir({ XDG_STATE_HOME: "relative/state" }, home)).toBe(join(home, ".local", "state", "xks-harness"));
  });

  it.each([
    ["a .git directory", false],
    ["a .git file (a worktree)", true],
  ])("a checkout (%s): its certs/", (_what, gitAsFile) => {
    const root = packageDir(`checkout-${gitAsFile}`, true, gitAsFile);
    expect(chooseCertsDir({ root, env: {}, home })).toEqual({ dir: join(root, "certs"), source: "checkout" });
  });

  it("XKS_MOCK_CERTS_DIR beats the default; --certs-dir beats both (made absolute)", () => {
    const env = { XKS_MOCK_CERTS_DIR: join(scratch, "from-env") };
    expect(chooseCertsDir({ root: installed, env, home })).toEqual({ dir: join(scratch, "from-env"), source: "env" });
    expect(chooseCertsDir({ flag: "rel/dir", root: installed, env, home })).toEqual({ dir: resolve("rel/dir"), source: "flag" });
  });

  it("this repository is a checkout: the tests and `npm start` keep certs/", () => {
    expect(isCheckout(packageRoot())).toBe(true);
  });
});

describe("CertsDirError", () => {
  it.each([
    ["EACCES", "permission denied"],
    ["EROFS", "the file system is read-only"],
    ["ENOTDIR", "a part of the path is a file, not a directory"],
  ])("%s: names the directory, the cause in words and the fix, never the bare code", (code, words) => {
    const err = new CertsDirError("/opt/x/certs", "write the dev PKI", Object.assign(new Error(`${code}: raw`), { code }));
    expect(err.message).toBe(
      `cannot write the dev PKI in /opt/x/certs: ${words}. Fix: --certs-dir DIR (or XKS_MOCK_CERTS_DIR=DIR) naming a directory you can write, or make /opt/x/certs writable`,
    );
    expect(err).not.toHaveProperty("code");
  });
});
