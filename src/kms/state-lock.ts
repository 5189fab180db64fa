/**
 * @module kms/state-lock
 * One process per state file. Two processes on one file would each acknowledge writes the other then overwrites,
 * so the owner holds `<state>.lock` (pid, host, start time). Node has no flock: the lock file is made complete under
 * a private name and hard-linked into place (link fails if the name exists, atomically, and a reader never sees
 * it half written). A lock whose pid no longer runs on this host (kill -9) is taken over.
 */
import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { z } from "zod";
import { StateFileError } from "./state-file.js";

const LockHolder = z.object({ pid: z.number().int().positive(), host: z.string(), startedAt: z.string() });
type LockHolder = z.infer<typeof LockHolder>;

export interface StateLock {
  readonly path: string;
  /** Removes the lock file if it is still ours. Idempotent; also runs at process exit. */
  release(): void;
}

const lockPathOf = (stateFile: string) => `${stateFile}.lock`;

function readHolder(path: string): LockHolder | "missing" | "unreadable" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "unreadable";
  }
  try {
    const parsed = LockHolder.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : "unreadable";
  } catch {
    return "unreadable";
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Lock files this process holds (resolved paths). */
const heldHere = new Set<string>();

/**
 * A lock of this host whose process is gone. One with our own pid is stale unless we hold it: in a container the
 * server is pid 1 on every start, so a lock left by a killed run names the pid of the next.
 */
function isStale(holder: LockHolder, path: string): boolean {
  return holder.pid === process.pid ? !heldHere.has(resolve(path)) : !isRunning(holder.pid);
}

const sameHolder = (a: LockHolder | string, b: LockHolder) => typeof a === "object" && a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;

/**
 * Moves a dead holder's lock out of the way. Two processes may race for the same stale lock: each renames the
 * lock to its own name and checks it moved the stale one; one that moved a fresh lock puts it back.
 */
function takeOver(path: string, stale: LockHolder): void {
  const aside = `${path}.stale.${process.pid}.${randomBytes(4).toString("hex")}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return; // someone else moved it; retry the link
    throw err;
  }
  const moved = readHolder(aside);
  if (!sameHolder(moved, stale)) {
    try {
      linkSync(aside, path);
    } catch {
      // A third process holds the name now; it is the owner. Ours to tell the user below.
    }
  }
  unlinkSync(aside);
}

function inUse(stateFile: string, path: string, holder: LockHolder | "unreadable"): StateFileError {
  if (holder === "unreadable") {
    return new StateFileError(`state file ${stateFile} is locked by ${path}, which is not a lock this program wrote. Fix: if no xks-mock uses that state file, delete ${path}; or use another --state`);
  }
  const where = holder.host === hostname() ? "" : ` on host ${holder.host}`;
  return new StateFileError(`state file ${stateFile} is in use by pid ${holder.pid}${where} (started ${holder.startedAt}); stop it or use another --state. (If that process is gone, delete ${path}.)`);
}

/** Puts the finished lock file in place; where hard links are not supported, creates it exclusively instead. */
function linkOrCreate(draft: string, path: string, me: LockHolder): void {
  try {
    linkSync(draft, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS") throw err;
    writeFileSync(path, `${JSON.stringify(me)}\n`, { mode: 0o600, flag: "wx" });
  }
}

/** Takes the lock on `stateFile` or throws StateFileError naming the holder. */
export function acquireStateLock(stateFile: string): StateLock {
  const path = lockPathOf(stateFile);
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const draft = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(draft, `${JSON.stringify(me)}\n`, { mode: 0o600, flag: "wx" });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkOrCreate(draft, path, me);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const holder = readHolder(path);
      if (holder === "missing" && attempt < 3) continue;
      if (typeof holder === "object" && holder.host === me.host && isStale(holder, path) && attempt < 3) {
        takeOver(path, holder);
        continue;
      }
      throw inUse(stateFile, path, holder === "missing" ? "unreadable" : holder);
    }
  } finally {
    unlinkSync(draft);
  }
  let held = true;
  heldHere.add(resolve(path));
  const release = () => {
    if (!held) return;
    held = false;
    heldHere.delete(resolve(path));
    process.off("exit", release);
    // Only our own lock: never remove one another process took over.
    if (sameHolder(readHolder(path), me)) {
      try {
        unlinkSync(path);
      } catch {
        // Already gone: nothing to release.
      }
    }
  };
  process.on("exit", release);
  return { path, release };
}
