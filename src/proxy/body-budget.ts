/**
 * @module proxy/body-budget
 * Bounds the memory unauthenticated requests can take, across all connections: a body is only read with room for it
 * reserved here, since its signature cannot be checked before it is whole. Without the bound, each of the
 * `maxConnections` connections could hold a body of `maxBodyBytes` for the 30 s a request may take (4,096 × 256 KiB
 * was 1 GiB). A request that finds no room waits, unread: its bytes stay in the kernel's socket buffers, and Node's
 * request deadline still applies to it. KMS's own requests are small and read in microseconds, so they pass at once.
 */

/** Room for 256 bodies of the default 64 KiB at a time; more than a whole second of KMS's default quota. */
export const PRE_AUTH_BODY_BUDGET_BYTES = 16 * 1024 * 1024;

export interface Reservation {
  /** Resolves once the bytes are reserved (at once when there is room). */
  granted: Promise<void>;
  /** Gives the bytes back, or leaves the queue; idempotent. */
  release(): void;
}

export class BodyBudget {
  private free: number;
  private readonly queue: { bytes: number; grant: () => void }[] = [];

  /** `totalBytes` must be at least the largest body allowed, or that body would wait for ever. */
  constructor(readonly totalBytes = PRE_AUTH_BODY_BUDGET_BYTES) {
    this.free = totalBytes;
  }

  /** Reserves `bytes` now or as soon as earlier reservations leave room, first come first served. */
  reserve(bytes: number): Reservation {
    const need = Math.min(bytes, this.totalBytes);
    let state: "waiting" | "held" | "released" = "waiting";
    let grant!: () => void;
    const granted = new Promise<void>((resolve) => {
      grant = () => {
        state = "held";
        this.free -= need;
        resolve();
      };
    });
    const entry = { bytes: need, grant };
    if (this.queue.length === 0 && this.free >= need) grant();
    else this.queue.push(entry);
    return {
      granted,
      release: () => {
        if (state === "held") {
          this.free += need;
          this.grantWaiting();
        } else if (state === "waiting") {
          this.queue.splice(this.queue.indexOf(entry), 1);
          this.grantWaiting();
        }
        state = "released";
      },
    };
  }

  /** Bytes reserved now (for tests and the benchmark). */
  get reserved(): number {
    return this.totalBytes - this.free;
  }

  private grantWaiting(): void {
    while (this.queue.length > 0 && this.free >= this.queue[0]!.bytes) this.queue.shift()!.grant();
  }
}
