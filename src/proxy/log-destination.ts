/**
 * @module proxy/log-destination
 * Where the log goes by default: stdout, written so that a reader who stops reading (`xks-mock | less` left at its
 * prompt, a stuck log shipper) can neither block the process nor grow its memory. pino's own stdout destination
 * flushes synchronously when the process exits and retries a full pipe every 100 ms for ever, so a stop signal, and
 * a second one, never ended the mock. Here a line waits in stdout's own queue (asynchronous for a pipe), a line
 * beyond MAX_QUEUED_BYTES is dropped and counted (the count is logged once the reader catches up), and what is still
 * queued when the process exits is given up.
 */
import type { DestinationStream } from "pino";

/** About 4,000 request lines: a pager paused for a moment loses nothing. */
const MAX_QUEUED_BYTES = 1 << 20;

/** The part of a stdout stream used here (a test passes its own). */
export interface LogOutput {
  readonly writableLength: number;
  write(chunk: string): boolean;
  on(event: "error", listener: (err: Error) => void): unknown;
}

/**
 * A pino destination on `out` that never blocks. `droppedLine(n)` is the line (with its newline) that reports `n`
 * lines dropped while `out` was not being read.
 */
export function nonBlockingDestination(
  out: LogOutput,
  droppedLine: (n: number) => string,
  maxQueuedBytes = MAX_QUEUED_BYTES,
): DestinationStream {
  let dropped = 0;
  let closed = false;
  // EPIPE: the reader closed its end (`xks-mock | head`). The process runs on without a log, as it would without a
  // reader, instead of dying of an unhandled 'error'.
  out.on("error", () => {
    closed = true;
  });
  return {
    write(line: string) {
      if (closed) return;
      if (out.writableLength > maxQueuedBytes) {
        dropped++;
        return;
      }
      if (dropped > 0) {
        out.write(droppedLine(dropped));
        dropped = 0;
      }
      out.write(line);
    },
  };
}
