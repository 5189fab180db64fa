/**
 * How `xks-mock` (the built CLI, in a child process) fails to start: a busy port, a --state it cannot use, a
 * --state another process holds. Each exits 2 soon after saying so, naming the flag to change, with nothing left
 * listening or locked; and a clean stop gives the state file's lock back.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { emptyState } from "../src/kms/state.js";
import { packageRoot } from "../src/package-root.js";
import { scrubbedEnv } from "./helpers/cli-process.js";

const ROOT = packageRoot();
const CLI = join(ROOT, "dist/src/bin/xks-mock.js");
/** Bound on a child's start (node's own start is slow on a loaded machine). */
const WAIT_MS = 15_000;
/** "exit 2 within a second" of saying why: the time from the message to the exit. */
const EXIT_AFTER_MESSAGE_MS = 1000;
const TEST_MS = 30_000;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "xks-cli-start-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Child {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  /** Resolves when stderr so far matches; rejects after WAIT_MS or if the process exits first. */
  waitFor(pattern: RegExp): Promise<void>;
  /** Exit code and how long after the first stderr output the process ended. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; msAfterMessage: number }>;
}

/** `as`: run as this user and group (tests run as root; root may listen on any port). */
function startMock(args: string[], as?: { uid: number; gid: number }): Child {
  const child = spawn(process.execPath, [CLI, "--port", "0", "--admin-port", "0", "--certs-dir", inject("pkiDir"), "--log-level", "silent", "--no-demo-store", ...args], {
    cwd: ROOT,
    env: scrubbedEnv(),
    ...as,
  });
  let stderr = "";
  let firstMessageAt = 0;
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    firstMessageAt ||= performance.now();
    stderr += s;
  });
  child.stdout.resume();
  const exit = once(child, "exit").then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null, msAfterMessage: performance.now() - firstMessageAt }));
  const bounded = Promise.race([exit, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`xks-mock did not exit within ${WAIT_MS} ms; stderr:\n${stderr}`)), WAIT_MS).unref())]);
  return {
    child,
    stderr: () => stderr,
    exit: bounded,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${WAIT_MS} ms; stderr:\n${stderr}`)), WAIT_MS);
        const check = () => {
          if (!pattern.test(stderr)) return;
          clearTimeout(timer);
          child.stderr.off("data", check);
          resolve();
        };
        child.stderr.on("data", check);
        void exit.then(() => {
          clearTimeout(timer);
          if (pattern.test(stderr)) resolve();
          else reject(new Error(`xks-mock exited before stderr matched ${pattern}; stderr:\n${stderr}`));
        });
        check();
      });
    },
  };
}

/** The child's exit: code 2, within EXIT_AFTER_MESSAGE_MS of its message; returns stderr. */
async function expectRefused(c: Child): Promise<string> {
  let result;
  try {
    result = await c.exit;
  } finally {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
  }
  expect({ code: result.code, signal: result.signal }, c.stderr()).toEqual({ code: 2, signal: null });
  expect(result.msAfterMessage, `exit came ${Math.round(result.msAfterMessage)} ms after the message`).toBeLessThan(EXIT_AFTER_MESSAGE_MS);
  return c.stderr();
}

/** A TCP server on 127.0.0.1 holding an ephemeral port. */
async function busyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { port: (server.address() as { port: number }).port, server };
}

describe.concurrent("a busy port → exit 2 within a second, naming the flag", () => {
  it.each([
    { flag: "--kms-port", what: "local KMS" },
    { flag: "--port", what: "XKS API" },
    { flag: "--admin-port", what: "admin API" },
  ])("$flag", { timeout: TEST_MS }, async ({ flag, what }) => {
    const { port, server } = await busyPort();
    try {
      const stderr = await expectRefused(startMock(["--kms-port", "0", flag, String(port)]));
      expect(stderr).toContain(`127.0.0.1:${port} for the ${what}`);
      expect(stderr).toContain(`Fix: choose another ${flag} `);
      for (const other of ["--port ", "--admin-port ", "--kms-port "].filter((f) => f !== `${flag} `)) expect(stderr).not.toContain(`another ${other}`);
    } finally {
      server.close();
    }
  });

  it("a busy --kms-port gives the --state lock back: the same state starts at once on another port", { timeout: TEST_MS }, async () => {
    const state = join(dir, "busy-kms.json");
    const { port, server } = await busyPort();
    try {
      await expectRefused(startMock(["--kms-port", String(port), "--state", state]));
    } finally {
      server.close();
    }
    expect(existsSync(`${state}.lock`)).toBe(false);
    const again = startMock(["--kms-port", "0", "--state", state]);
    await again.waitFor(/local KMS on http/);
    again.child.kill("SIGTERM");
    expect((await again.exit).code).toBe(0);
  });

  it("the same port for two listeners is refused before either listens", { timeout: TEST_MS }, async () => {
    const stderr = await expectRefused(startMock(["--kms-port", "45999", "--admin-port", "45999"]));
    expect(stderr).toMatch(/--admin-port and --kms-port are both 45999/);
  });
});

// As nobody (uid 65534): without root or CAP_NET_BIND_SERVICE, listening below 1024 is EACCES. It needs root (to
// start a process as another user) and a Node nobody may run: CI's Node 24 lives under /root (0700).
const NOBODY = { uid: 65534, gid: 65534 };
const nobodyCannotRun = ((): string | undefined => {
  if (process.getuid?.() !== 0) return "needs root, to start the mock as uid 65534";
  const r = spawnSync(process.execPath, ["-e", "0"], { ...NOBODY, stdio: "ignore" });
  return r.status === 0 ? undefined : `uid 65534 cannot run ${process.execPath} (${r.error?.message ?? `exit ${r.status}`})`;
})();
if (nobodyCannotRun) process.stderr.write(`proxy-cli-start.test.ts: ports below 1024 skipped: ${nobodyCannotRun}\n`);

describe.skipIf(nobodyCannotRun !== undefined).concurrent("a port below 1024 without the privilege → exit 2 saying so, not \"stop what uses it\"", () => {
  // Plain HTTP and no admin API, so that nobody needs nothing of the root-owned certs dir.
  it.each([
    { flag: "--kms-port", what: "local KMS", args: ["--port", "0", "--kms-port", "80"], port: 80 },
    { flag: "--port", what: "XKS API", args: ["--port", "443", "--kms-port", "0"], port: 443 },
  ])("$flag $port", { timeout: TEST_MS }, async ({ flag, what, args, port }) => {
    const stderr = await expectRefused(startMock(["--http", "--admin-port", "off", ...args], NOBODY));
    expect(stderr).toContain(
      `cannot listen on 127.0.0.1:${port} for the ${what}: ` +
        "ports below 1024 need privileges (root or CAP_NET_BIND_SERVICE). " +
        `Fix: choose a ${flag} of 1024 or above (0 = any free port)`,
    );
    expect(stderr).not.toContain("stop what uses it");
  });
});

describe.concurrent("a --state that cannot be used → exit 2 naming --state, before anything listens", () => {
  it("read-only (0444): refused, naming the file, the rule and the fix", { timeout: TEST_MS }, async () => {
    const file = join(dir, "read-only.json");
    writeFileSync(file, `${JSON.stringify(emptyState())}\n`, { mode: 0o444 });
    chmodSync(file, 0o444);
    const before = { text: readFileSync(file, "utf8"), stat: statSync(file) };
    const stderr = await expectRefused(startMock(["--kms-port", "0", "--state", file]));
    expect(stderr).toContain(
      `--state ${file} is read-only (mode 0444): ` +
        "the local KMS rewrites its state file on every change, so it must be writable. " +
        `Fix: make it writable (chmod 600 ${file}), or choose another --state`,
    );
    expect(stderr).not.toMatch(/listening on/);
    expect(readFileSync(file, "utf8")).toBe(before.text);
    const { mode, ino, mtimeMs } = before.stat;
    expect(statSync(file)).toMatchObject({ mode, ino, mtimeMs });
    expect(existsSync(`${file}.lock`)).toBe(false);
  });


  it("in a directory that does not exist", { timeout: TEST_MS }, async () => {
    const stderr = await expectRefused(startMock(["--kms-port", "0", "--state", join(dir, "missing-dir", "state.json")]));
    expect(stderr).toMatch(/--state .*missing-dir.*state\.json/);
    expect(stderr).not.toMatch(/listening on/);
  });

  // Tests run as root, whom permission bits do not stop; a directory where the file should be fails for root too.
  it("unreadable (a directory in place of the file)", { timeout: TEST_MS }, async () => {
    const notAFile = join(dir, "a-directory.json");
    mkdirSync(notAFile);
    const stderr = await expectRefused(startMock(["--kms-port", "0", "--state", notAFile]));
    expect(stderr).toContain(`--state ${notAFile} is not a regular file`);
    expect(stderr).not.toMatch(/listening on/);
  });

  it("corrupt: says where it broke, never what it holds", { timeout: TEST_MS }, async () => {
    const secret = "Sup3rSecretPr0xyKeyMaterial0123456789abcd";
    const file = join(dir, "corrupt.json");
    writeFileSync(file, `{\n  "version": 1,\n  "customKeyStores": [{ "secretAccessKey": ${secret} }]\n}\n`, { mode: 0o600 });
    const stderr = await expectRefused(startMock(["--kms-port", "0", "--state", file]));
    expect(stderr).toContain(`state file ${file} (--state) is corrupt (not JSON: syntax error at line 3 column 44)`);
    for (let i = 0; i + 8 <= secret.length; i++) expect(stderr).not.toContain(secret.slice(i, i + 8));
    expect(stderr).not.toMatch(/listening on/);
  });
});

describe("one process per --state file", () => {
  it("a second xks-mock on the same --state exits 2 naming the holder's pid; after the first stops cleanly, the lock is gone", { timeout: TEST_MS }, async () => {
    const state = join(dir, "shared.json");
    const first = startMock(["--kms-port", "0", "--state", state]);
    try {
      await first.waitFor(/local KMS on http/);
      const stderr = await expectRefused(startMock(["--kms-port", "0", "--state", state]));
      expect(stderr).toContain(`state file ${state} is in use by pid ${first.child.pid} (started `);
      expect(stderr).toContain("stop it or use another --state");
      expect(first.child.exitCode).toBeNull();
    } finally {
      first.child.kill("SIGTERM");
    }
    expect((await first.exit).code).toBe(0);
    expect(existsSync(`${state}.lock`)).toBe(false);
  });

  it("a lock left by a process that is gone (kill -9) is taken over", { timeout: TEST_MS }, async () => {
    const state = join(dir, "stale.json");
    const gone = spawn(process.execPath, ["-e", ""]);
    await once(gone, "exit");
    writeFileSync(`${state}.lock`, JSON.stringify({ pid: gone.pid, host: (await import("node:os")).hostname(), startedAt: "2026-01-01T00:00:00.000Z" }));
    const c = startMock(["--kms-port", "0", "--state", state]);
    await c.waitFor(/local KMS on http/);
    expect(JSON.parse(readFileSync(`${state}.lock`, "utf8"))).toMatchObject({ pid: c.child.pid });
    c.child.kill("SIGTERM");
    expect((await c.exit).code).toBe(0);
  });
});

describe.concurrent("--kms-config (the local cloud's endpoint services) is checked before anything listens", () => {
  it.each([
    ["a missing file", () => join(dir, "missing-kms-config.json"), /--kms-config .*missing-kms-config\.json: cannot read it: no such file\. Fix:/],
    ["a file that is not JSON (never quoted)", () => writeConfig("not-json.json", "secretish-SECRET123 {"), /--kms-config .*not-json\.json: not JSON\. Fix: see README/],
    ["a declaration that breaks the rules", () => writeConfig("bad.json", JSON.stringify({ endpointServices: [{ serviceName: "svc", target: "http://x" }] })), /endpointServices\.0\.serviceName: .*endpointServices\.0\.target: /],
  ])("%s → exit 2 naming --kms-config", { timeout: TEST_MS }, async (_name, file, message) => {
    const stderr = await expectRefused(startMock(["--kms-port", "0", "--kms-config", file()]));
    expect(stderr).toMatch(message);
    expect(stderr).not.toContain("SECRET123");
  });

  it("a valid declaration starts the local KMS with it", { timeout: TEST_MS }, async () => {
    const file = writeConfig("good.json", JSON.stringify({ endpointServices: [{ serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", privateDnsName: "localhost", target: "https://127.0.0.1:1" }] }));
    const c = startMock(["--kms-port", "0", "--kms-config", file]);
    await c.waitFor(/local KMS on http/);
    c.child.kill("SIGTERM");
    expect((await c.exit).code).toBe(0);
  });
});

function writeConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
