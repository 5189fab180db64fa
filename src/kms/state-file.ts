/**
 * @module kms/state-file
 * Persistence that survives kill -9: every change is written to a temporary file, fsynced, and renamed over the
 * state file (rename is atomic), before the API answers. A file that does not parse is refused — never reset.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { describeIssues } from "../xks/schemas.js";
import { KmsStateSchema, emptyState, type KmsState } from "./state.js";

export class StateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateFileError";
  }
}

export function loadState(file: string | undefined): KmsState {
  if (!file || !existsSync(file)) return emptyState();
  const text = readFileSync(file, "utf8");
  const refuse = (why: string) =>
    new StateFileError(`state file ${file} is corrupt (${why}); refusing to start rather than lose it. Fix: restore it from a backup, or move it away to start with an empty state`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw refuse(`not JSON: ${(err as Error).message}`);
  }
  const parsed = KmsStateSchema.safeParse(raw);
  if (!parsed.success) throw refuse(describeIssues(parsed.error).slice(0, 300));
  return parsed.data;
}

export function saveState(file: string, state: KmsState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  // Make the rename itself durable.
  const dir = openSync(dirname(file), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
