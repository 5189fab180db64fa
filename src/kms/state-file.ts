/**
 * @module kms/state-file
 * Persistence that survives kill -9: a change is written to a temporary file, fsynced, and renamed over the state
 * file (rename is atomic), before the API answers. A file that does not parse is refused — never reset — and the
 * refusal says where it broke, never what the file holds (it holds proxy secrets). A write that fails removes its
 * temporary file (a partial copy of those secrets) and says why in words, with the fix.
 */
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { z } from "zod";
import { jsonErrorPosition } from "./json-error-position.js";
import { KmsStateSchema, emptyState, type KmsState } from "./state.js";
import { errorWords, libraryText } from "../error-words.js";

export class StateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateFileError";
  }
}

/** A state write that failed: the message says why (from the errno) and the fix; `code` is the errno's name. */
export class StateWriteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "StateWriteError";
  }
}

const tmpPathOf = (file: string) => `${file}.${process.pid}.tmp`;

/** What an errno of a write means, and what to do about it (`dir` is the state file's directory). */
function writeFailureOf(code: string | undefined, dir: string): { what: string; fix: string } {
  const elsewhere = "use --state elsewhere";
  switch (code) {
    case "ENOSPC":
      return { what: "disk full", fix: `free space or ${elsewhere}` };
    case "EDQUOT":
      return { what: "disk quota exceeded", fix: `free space or ${elsewhere}` };
    case "EROFS":
      return { what: "read-only file system", fix: `${elsewhere}, on a writable file system` };
    case "EACCES":
    case "EPERM":
      return { what: "permission denied", fix: `make ${dir} writable by this user or ${elsewhere}` };
    case "ENOENT":
      return { what: "its directory is gone", fix: `create ${dir} again or ${elsewhere}` };
    case "EIO":
      return { what: "I/O error", fix: `check the disk or ${elsewhere}` };
    default:
      return { what: "error", fix: elsewhere };
  }
}

/** The StateWriteError for `err` from writing `file`. */
function stateWriteError(file: string, err: unknown): StateWriteError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const { what, fix } = writeFailureOf(code, dirname(file));
  const errno = code ? ` (${code})` : "";
  return new StateWriteError(`the state file could not be written: ${what}${errno} at ${file}; ${fix}`, code);
}

/** Where each schema problem is and what was expected there, built from the issue's structure only: no value of the file. */
function describeShapeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const where = i.path.length ? i.path.map(String).join(".") : "(top level)";
      const expected = "expected" in i && typeof i.expected === "string" ? `expected ${i.expected}` : i.code.replace(/_/g, " ");
      return `${where}: ${expected}`;
    })
    .join("; ");
}

function describeSyntaxError(text: string): string {
  if (text.trim() === "") return "not JSON: the file is empty";
  const at = jsonErrorPosition(text);
  if (!at) return "not JSON: nested too deeply";
  return at.atEnd ? `not JSON: it ends early, at line ${at.line} column ${at.column}` : `not JSON: syntax error at line ${at.line} column ${at.column}`;
}

/**
 * Refuses, before anything is locked or listened on, a state path that cannot work: a missing directory, a path
 * that is not a regular file, a read-only file. (Permission bits do not stop root, so a file nobody may write —
 * 0444, made read-only on purpose — is refused by its mode; one this user may not write, by access(2).)
 */
export function checkStatePath(file: string): void {
  const dir = dirname(file);
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch (err) {
    throw new StateFileError(`the directory of --state ${file} cannot be used (${dir}: ${errorWords(err, { file: dir })?.cause ?? libraryText(err)}). Fix: create ${dir}, or choose another --state`);
  }
  if (!dirStat.isDirectory()) throw new StateFileError(`the directory of --state ${file} is not a directory (${dir}). Fix: choose another --state`);
  try {
    const st = statSync(file);
    if (!st.isFile()) {
      const fix = "Fix: give the path of a file (it is made on the first change)";
      throw new StateFileError(`--state ${file} is not a regular file. ${fix}`);
    }
    const readOnly = (why: string) =>
      new StateFileError(
        `--state ${file} is ${why}: the local KMS rewrites its state file on every change, so it must be writable. ` +
          `Fix: make it writable (chmod 600 ${file}), or choose another --state`,
      );
    if ((st.mode & 0o222) === 0) throw readOnly(`read-only (mode 0${(st.mode & 0o777).toString(8)})`);
    try {
      accessSync(file, constants.W_OK);
    } catch (err) {
      throw readOnly(`not writable by this user (${(err as NodeJS.ErrnoException).code ?? "error"})`);
    }
  } catch (err) {
    if (err instanceof StateFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw new StateFileError(`cannot read --state ${file} (${errorWords(err, { file })?.cause ?? libraryText(err)}). Fix: make it readable and writable by this user, or choose another --state`);
  }
}

/** The state in `file` (empty when there is none yet), or StateFileError saying where it is broken. */
export function loadState(file: string | undefined): KmsState {
  if (!file) return emptyState();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return emptyState();
    throw new StateFileError(`cannot read --state ${file} (${errorWords(err, { file })?.cause ?? libraryText(err)}). Fix: make it a readable file, or choose another --state`);
  }
  const refuse = (why: string) =>
    new StateFileError(`state file ${file} (--state) is corrupt (${why}); refusing to start rather than lose it. Fix: restore it from a backup, or move it away to start with an empty state`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // The parser's own message quotes the file's text: describe the place ourselves.
    throw refuse(describeSyntaxError(text));
  }
  const parsed = KmsStateSchema.safeParse(raw);
  if (!parsed.success) throw refuse(`not a state file: ${describeShapeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Removes `<state>.<pid>.tmp` files a killed process left (owner-only, but they hold secrets). Only for the lock
 * holder: no other process can be writing one then.
 */
export function removeOrphanTmpFiles(file: string): string[] {
  const dir = dirname(file);
  const prefix = `${basename(file)}.`;
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !/^\d+\.tmp$/.test(name.slice(prefix.length))) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  return removed;
}

const serialize = (state: KmsState) => `${JSON.stringify(state, null, 2)}\n`;

/**
 * Synchronous save: for setting up a file (tests, tools). The server saves with saveStateAsync. Throws
 * StateWriteError, having removed the temporary file.
 */
export function saveState(file: string, state: KmsState): void {
  const tmp = tmpPathOf(file);
  try {
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, serialize(state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // Never made, or already gone.
    }
    throw stateWriteError(file, err);
  }
  try {
    // Make the rename itself durable.
    const dir = openSync(dirname(file), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch (err) {
    throw stateWriteError(file, err);
  }
}

/** The same steps on libuv's thread pool, so the event loop keeps serving while the disk syncs. */
export async function saveStateAsync(file: string, state: KmsState): Promise<void> {
  const tmp = tmpPathOf(file);
  try {
    const fh = await open(tmp, "w", 0o600);
    try {
      await fh.writeFile(serialize(state));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    // Never made, or already gone: nothing to remove.
    await unlink(tmp).catch(() => undefined);
    throw stateWriteError(file, err);
  }
  try {
    const dir = await open(dirname(file), "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (err) {
    throw stateWriteError(file, err);
  }
}
