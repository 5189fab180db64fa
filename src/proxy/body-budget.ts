/**
 * @module proxy/body-budget
 * Bounds the memory unauthenticated requests can take, across all connections: a body is only read with room for it
 * reserved here, since its signature cannot be checked before it is whole. Without the bound, each of the
 * `maxConnections` connections could hold a body of `maxBodyBytes` for the 30 s a request may take (4,096 × 256 KiB
 * was 1 GiB). A request that finds no room is answered 429 ThrottlingException at once and its connection closed
 * (waiting would keep its TLS and socket buffers, most of what a connection costs). KMS's own requests are small and
 * read in microseconds: only a flood of bodies that never complete fills the budget.
 */

/** Room for 256 bodies of the default 64 KiB at a time; more than a whole second of KMS's default quota. */
export const PRE_AUTH_BODY_BUDGET_BYTES = 16 * 1024 * 1024;

export class BodyBudget {
  private free: number;

  /** `totalBytes` must be at least the largest body allowed (maxBodyBytes is at most 8 MiB). */
  constructor(readonly totalBytes = PRE_AUTH_BODY_BUDGET_BYTES) {
    this.free = totalBytes;
  }

  /** Reserves `bytes` if there is room: returns the function that gives them back (idempotent), else undefined. */
  tryReserve(bytes: number): (() => void) | undefined {
    if (bytes > this.free) return undefined;
    this.free -= bytes;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.free += bytes;
    };
  }

  /** Bytes reserved now. */
  get reserved(): number {
    return this.totalBytes - this.free;
  }
}
