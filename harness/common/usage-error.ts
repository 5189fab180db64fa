/**
 * @module harness/common/usage-error
 * Exit codes of every `xks-harness` command, and the error that means "bad usage": a flag, file or value the
 * user must fix before anything is sent. harness/cli.ts maps a UsageError to exit 2.
 */

/** 0 pass, 1 failed or refused, 2 bad usage or invalid input. */
export const EXIT = { pass: 0, fail: 1, usage: 2 } as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
