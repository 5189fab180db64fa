/**
 * A stdout nobody reads (`… | less` left at its prompt, a stuck log shipper): a FIFO this process holds open at
 * both ends (so the child never sees EOF or EPIPE), filled to Linux's default pipe capacity, so every write of the
 * child that gets it as stdout waits.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { packageRoot } from "../../src/package-root.js";
import { scrubbedEnv } from "./cli-process.js";

/** Linux's default pipe capacity: this much written and nothing read, the next write waits. */
const PIPE_CAPACITY = 65_536;

export interface FullPipes {
  /** A new full FIFO, opened read-write: its fd, to pass as a child's stdout; close it when done. */
  open(name: string): number;
  /** Removes the folder that holds the FIFOs. */
  dispose(): void;
}

export function fullPipes(prefix: string): FullPipes {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    open(name) {
      const path = join(dir, name);
      execFileSync("mkfifo", [path]);
      const fd = openSync(path, "r+");
      writeSync(fd, Buffer.alloc(PIPE_CAPACITY));
      return fd;
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when it exited. */
  at: number;
}

export interface StalledCli {
  child: ChildProcess;
  /** Its exit, or undefined if it is still running after `ms`. */
  within(ms: number): Promise<Exit | undefined>;
  stderr(): string;
  /** SIGKILL if still running; closes the pipe. */
  cleanup(): void;
}

/** `node dist/harness/cli.js …args` in the package root, its stdout the full FIFO `name` of `pipes`. */
export function spawnStalledCli(pipes: FullPipes, name: string, args: string[], env: Record<string, string>): StalledCli {
  const out = pipes.open(name);
  const child = spawn(process.execPath, ["dist/harness/cli.js", ...args], {
    env: scrubbedEnv(env),
    cwd: packageRoot(),
    stdio: ["ignore", out, "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const exited = new Promise<Exit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, at: performance.now() })));
  return {
    child,
    within: (ms) => Promise.race([exited, delay(ms, undefined)]),
    stderr: () => stderr,
    cleanup: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      closeSync(out);
    },
  };
}
