/**
 * @module harness/common/output-path
 * A file a command will write at its end (--junit, --out) is checked at the start, before any network traffic:
 * a run should not spend its probes and then fail on a typo in a path.
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

/** Refuses (UsageError, exit 2) an output file `flag` names that cannot be written; nothing when the flag is absent. */
export function assertOutputPath(file: string | undefined, flag: string): void {
  const problem = file === undefined ? undefined : outputPathProblem(file, flag);
  if (problem) throw new UsageError(problem);
}
