/**
 * The packed tarball as a user gets it: `npm pack` once, installed globally by root into a prefix, run by another
 * user (nobody, 65534) with a HOME of its own. The install brings no native addon and runs no install script
 * (testcontainers is an optional peer); the mock keeps its dev PKI and admin token in the user's state directory,
 * not in the root-owned package; a certs dir it cannot write is named as such; `conformance --image` without
 * testcontainers says how to add it; and a reinstall keeps the CA (same fingerprint).
 * Slow (a pack and two installs from the registry): one file, one pack. Needs root (to install for one user and
 * run as another) and the npm registry; skipped with the reason printed otherwise.
 */
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../src/package-root.js";
import { XKS_API_VERSION } from "../src/xks/index.js";
import { scrubbedEnv } from "./helpers/cli-process.js";
import { externalToolPassSkipped } from "./helpers/real-component.js";

const run = promisify(execFile);
const NOBODY = { uid: 65534, gid: 65534 };
const isRoot = process.getuid?.() === 0;
const thisPass = externalToolPassSkipped();
/** Packing builds; an install fetches from the registry: minutes on a slow network or a loaded machine. */
const INSTALL_MS = 480_000;
const START_MS = 60_000;
const version = (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;

if (!isRoot) process.stderr.write("package-tarball.test.ts: skipped: needs root (a global install by root, run as uid 65534)\n");

const base = mkdtempSync(join(tmpdir(), "xks-tarball-"));
const prefix = join(base, "prefix");
const home = join(base, "home");
const npmEnv = scrubbedEnv({ npm_config_update_notifier: "false" });
let tarball = "";
let installOutput = "";

async function installGlobally(): Promise<string> {
  const r = await run("npm", ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", tarball], { env: npmEnv, timeout: INSTALL_MS, maxBuffer: 16 << 20 });
  return `${r.stdout}${r.stderr}`;
}

/** Everything the user (nobody) runs: the installed bins, HOME its own, no XDG_STATE_HOME, no XKS_* settings. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = scrubbedEnv({ HOME: home, PATH: `${join(prefix, "bin")}:${dirname(process.execPath)}:/usr/bin:/bin`, ...extra });
  delete env.XDG_STATE_HOME;
  return env;
}

interface Mock {
  stderr: () => string;
  /** Resolves once stderr matches; rejects (and kills the process) if it ends first. */
  waitFor(pattern: RegExp): Promise<void>;
  exit: Promise<number | null>;
  stop(): void;
}

function startAsNobody(bin: string, args: string[]): Mock {
  const child = spawn(join(prefix, "bin", bin), args, { ...NOBODY, cwd: home, env: userEnv(), stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const exit = once(child, "exit").then(([code]) => code as number | null);
  const timer = setTimeout(() => child.kill("SIGKILL"), START_MS).unref();
  void exit.then(() => clearTimeout(timer));
  return {
    stderr: () => stderr,
    exit,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!pattern.test(stderr)) return;
          child.stderr.off("data", check);
          resolve();
        };
        child.stderr.on("data", check);
        void exit.then(() => (pattern.test(stderr) ? resolve() : reject(new Error(`${bin} ended before ${pattern}; stderr:\n${stderr}`))));
        check();
      }).catch((err: Error) => {
        child.kill("SIGKILL");
        throw err;
      }),
    stop: () => void child.kill("SIGTERM"),
  };
}

/** Starts the installed mock as nobody with no --certs-dir, reads the banner, stops it cleanly. */
async function bannerOfAStart(): Promise<{ text: string; fingerprint: string; tokenFile: string; certsDir: string }> {
  const mock = startAsNobody("xks-mock", ["--port", "0", "--admin-port", "0", "--kms-port", "0", "--no-demo-store"]);
  await mock.waitFor(/local KMS on http:\/\/127\.0\.0\.1:\d+[^\n]*\n[^\n]*metrics[^\n]*\n/);
  const text = mock.stderr();
  const tokenFile = /admin token: (\S+)/.exec(text)![1]!;
  expect(existsSync(tokenFile)).toBe(true);
  mock.stop();
  expect(await mock.exit, text).toBe(0);
  expect(existsSync(tokenFile), "the admin token file is removed at a clean stop").toBe(false);
  return { text, fingerprint: /CA file: +\S+ \(SHA-256 ([0-9A-F:]{95})\)/.exec(text)![1]!, tokenFile, certsDir: /certs dir: +(\S+)/.exec(text)![1]! };
}

describe.skipIf(!isRoot || thisPass !== undefined)("the packed tarball, installed globally by root, run by another user", () => {
  beforeAll(async () => {
    const packed = await run("npm", ["pack", "--pack-destination", base, "--silent"], { cwd: packageRoot(), env: npmEnv, timeout: INSTALL_MS, maxBuffer: 16 << 20 });
    tarball = join(base, packed.stdout.trim().split("\n").at(-1)!);
    installOutput = await installGlobally();
    // The user's HOME; everything above the prefix readable by others (mkdtemp makes 0700 directories).
    chmodSync(base, 0o755);
    mkdirSync(home, { mode: 0o700 });
    chownSync(home, NOBODY.uid, NOBODY.gid);
  }, INSTALL_MS * 2);
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const installed = () => join(prefix, "lib", "node_modules", "xks-harness");

  it("the tarball holds LICENSE, CHANGELOG.md and the build; the install runs and warns of no install script", () => {
    for (const f of ["LICENSE", "CHANGELOG.md", "README.md", "dist/src/bin/xks-mock.js", "dist/harness/cli.js"]) expect(existsSync(join(installed(), f)), f).toBe(true);
    expect(readFileSync(join(installed(), "LICENSE"), "utf8")).toContain("Apache License\n                           Version 2.0, January 2004");
    expect(installOutput).not.toMatch(/install-scripts|prepare/);
  });

  it("no testcontainers, no native addon: no .node file and no binding.gyp anywhere in the install", () => {
    const modules = join(installed(), "node_modules");
    const names = readdirSync(modules);
    for (const absent of ["testcontainers", "ssh2", "cpu-features", "dockerode"]) expect(names).not.toContain(absent);
    const native = readdirSync(installed(), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".node") || f.endsWith("binding.gyp"));
    expect(native).toEqual([]);
  });

  it("--version of both bins, as the user: package, Node and XKS Proxy API versions", { timeout: START_MS }, async () => {
    for (const bin of ["xks-mock", "xks-harness"]) {
      const r = await run(join(prefix, "bin", bin), ["--version"], { ...NOBODY, cwd: home, env: userEnv() });
      // The bin's `#!/usr/bin/env node` finds the user's node on PATH (CI's Node 24 under /root is not theirs).
      const node = (await run("node", ["--version"], { ...NOBODY, cwd: home, env: userEnv() })).stdout.trim();
      expect(r.stdout).toBe(`${version} (Node ${node}; XKS Proxy API v1, spec ${XKS_API_VERSION})\n`);
    }
  });

  it("conformance --image without testcontainers: one line saying how to add it, exit 2", { timeout: START_MS }, async () => {
    const r = await run(
      join(prefix, "bin", "xks-harness"),
      ["conformance", "--image", "example/proxy:1", "--path", "/example/uri/path/prefix/kms/xks/v1", "--access-key-id", "BETWEEN2TENAND3TENCHARACTERS", "--key-id", "foo"],
      { ...NOBODY, cwd: home, env: userEnv({ XKS_SECRET_ACCESS_KEY: "PleaseReplaceThisWithSomeSecretOfLength43To64" }) },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "xks-harness: --image needs testcontainers, an optional peer dependency of xks-harness. " +
        "Fix: npm install testcontainers@11 where xks-harness is installed (npm install -g testcontainers@11 for a global install)\n",
    );
  });

  it("the mock, as the user: dev PKI and admin token in ~/.local/state/xks-harness, nothing in the package; a reinstall keeps the CA", { timeout: INSTALL_MS + 4 * START_MS }, async () => {
    const stateDir = join(home, ".local", "state", "xks-harness");
    const first = await bannerOfAStart();
    expect(first.certsDir).toBe(stateDir);
    expect(first.text).toContain(`certs dir:  ${stateDir} (per-user state directory`);
    expect(dirname(first.tokenFile)).toBe(stateDir);
    expect(statSync(join(stateDir, "ca.key.pem")).uid).toBe(NOBODY.uid);
    expect(readdirSync(join(installed(), "certs"))).toEqual(["README.md"]);

    await installGlobally();
    const second = await bannerOfAStart();
    expect(second.fingerprint).toBe(first.fingerprint);
  });

  it("a certs dir the user cannot write: exit 2 naming it and --certs-dir, not a listen error", { timeout: 2 * START_MS }, async () => {
    const rootOwned = join(base, "root-owned");
    mkdirSync(rootOwned, { mode: 0o755 });
    const mock = startAsNobody("xks-mock", ["--port", "0", "--admin-port", "0", "--no-kms", "--certs-dir", join(rootOwned, "certs")]);
    expect(await mock.exit).toBe(2);
    expect(mock.stderr()).toBe(
      `xks-mock: cannot create the dev PKI directory in ${join(rootOwned, "certs")}: permission denied. ` +
        `Fix: --certs-dir DIR (or XKS_MOCK_CERTS_DIR=DIR) naming a directory you can write, or make ${join(rootOwned, "certs")} writable\n`,
    );
  });
});
