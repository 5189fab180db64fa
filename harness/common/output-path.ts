/**
 * @module harness/common/output-path
 * A file a command will write at its end (--junit, --out), or a directory it writes into (--emit-artillery), is
 * checked at the start, before any network traffic: a run should not spend its probes and then fail on a typo in a path.
 */
import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "./usage-error.js";

/** Why `file` (named by `flag`) cannot be written, or undefined when it can. Creates nothing. */
export function outputPathProblem(file: string, flag: string): string | undefined {
  const dir = dirname(resolve(file));
  const dirStat = statSync(dir, { throwIfNoEntry: false });
  if (!dirStat) return `${flag} ${file}: the directory ${dir} does not exist. Fix: create it, or write the file elsewhere`;
  if (!dirStat.isDirectory()) return `${flag} ${file}: ${dir} is not a directory`;
  const target = statSync(file, { throwIfNoEntry: false });
  if (target?.isDirectory()) return `${flag} ${file} is a directory. Fix: name a file`;
  try {
    // An existing file is overwritten in place (--junit) or replaced by a rename (--out): both need the directory.
    accessSync(dir, constants.W_OK);
    if (target) accessSync(file, constants.W_OK);
  } catch {
    return `${flag} ${file}: not writable by this user. Fix: write the file elsewhere`;
  }
  return undefined;
}

/** Why directory `dir` (named by `flag`) cannot take files, or undefined: it may be missing when its parent can take it. Creates nothing. */
export function outputDirProblem(dir: string, flag: string): string | undefined {
  const s = statSync(dir, { throwIfNoEntry: false });
  const parent = dirname(resolve(dir));
  if (s && !s.isDirectory()) return `${flag} ${dir} is a file. Fix: name a directory (it is created if missing)`;
  if (!s && !statSync(parent, { throwIfNoEntry: false })?.isDirectory()) return `${flag} ${dir}: the directory ${parent} does not exist. Fix: create it, or write elsewhere`;
  try {
    accessSync(s ? dir : parent, constants.W_OK);
  } catch {
    return `${flag} ${dir}: not writable by this user. Fix: write elsewhere`;
  }
  return undefined;
}

/** Refuses (UsageError, exit 2) an output file `flag` names that cannot be written; nothing when the flag is absent. */
export function assertOutputPath(file: string | undefined, flag: string): void {
  const problem = file === undefined ? undefined : outputPathProblem(file, flag);
  if (problem) throw new UsageError(problem);
}
