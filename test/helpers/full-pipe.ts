/**
 * A stdout nobody reads (`… | less` left at its prompt, a stuck log shipper): a FIFO this process holds open at
 * both ends (so the child never sees EOF or EPIPE), filled to Linux's default pipe capacity, so every write of the
 * child that gets it as stdout waits.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
