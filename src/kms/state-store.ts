/**
 * @module kms/state-store
 * The one owner of the local KMS's state. A change is applied at once (later checks and changes see it, so a
 * check-then-change in one operation stays atomic), and its caller resumes only once it is fsynced
 * (state-file.ts), so an answer never reports a change a crash could lose. Changes that arrive while a write runs go together in the next one (group
 * commit), and writes run off the event loop: a burst of changes neither blocks proxy calls nor queues one fsync
 * per change.
 */
import { acquireStateLock, type StateLock } from "./state-lock.js";
import { StateFileError, checkStatePath, loadState, removeOrphanTmpFiles, saveStateAsync } from "./state-file.js";
import type { KmsState } from "./state.js";

/**
 * A deep copy of the state for a change to edit: its records are flat but for `xks`. Forty times faster than
 * structuredClone on a state with thousands of aliases, and it runs on the event loop once per change.
 */
function copyState(s: KmsState): KmsState {
  return {
    ...s,
    customKeyStores: s.customKeyStores.map((r) => ({ ...r, xks: { ...r.xks } })),
    keys: s.keys.map((k) => ({ ...k })),
    aliases: s.aliases.map((a) => ({ ...a })),
  };
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export class StateStore {
  /** What the file holds. */
  #committed: KmsState;
  /** #committed plus the changes waiting for their write: what reads and checks see. */
  #head: KmsState;
  #waiting: Waiter[] = [];
  #writing: Promise<void> | undefined;
  #lock: StateLock | undefined;

  private constructor(
    readonly file: string | undefined,
    state: KmsState,
    lock: StateLock | undefined,
  ) {
    this.#committed = this.#head = state;
    this.#lock = lock;
  }

  /**
   * Opens `file` for this process alone: checks the path, takes the lock (StateFileError naming the holder if
   * another process has it), removes tmp files a killed writer left, and loads it. In memory when `file` is absent.
   */
  static open(file: string | undefined): StateStore {
    if (!file) return new StateStore(undefined, loadState(undefined), undefined);
    try {
      checkStatePath(file);
      const lock = acquireStateLock(file);
      try {
        removeOrphanTmpFiles(file);
        return new StateStore(file, loadState(file), lock);
      } catch (err) {
        lock.release();
        throw err;
      }
    } catch (err) {
      if (err instanceof StateFileError) throw err;
      // e.g. a directory this user may not write the lock into: node's message names the call and the path only.
      throw new StateFileError(`cannot use --state ${file}: ${(err as Error).message}. Fix: make its directory writable by this user, or choose another --state`);
    }
  }

  /** The latest state, including changes whose write is under way (their callers have not answered yet). */
  get state(): Readonly<KmsState> {
    return this.#head;
  }

  /**
   * Applies `change` to a copy of the latest state; resolves once that is on disk. If `change` throws, or the write
   * fails, nothing changes (a failed write also fails the changes that were built on it).
   */
  async update<T>(change: (draft: KmsState) => T): Promise<T> {
    const draft = copyState(this.#head);
    const result = change(draft);
    this.#head = draft;
    if (!this.file) {
      this.#committed = draft;
      return result;
    }
    await new Promise<void>((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#startWriting();
    });
    return result;
  }

  #startWriting(): void {
    if (this.#writing || !this.#waiting.length) return;
    this.#writing = this.#writeAll().finally(() => {
      this.#writing = undefined;
      this.#startWriting();
    });
  }

  async #writeAll(): Promise<void> {
    const file = this.file!;
    while (this.#waiting.length) {
      const batch = this.#waiting.splice(0);
      const snapshot = this.#head;
      try {
        await saveStateAsync(file, snapshot);
      } catch (err) {
        this.#head = this.#committed;
        for (const w of [...batch, ...this.#waiting.splice(0)]) w.reject(err);
        return;
      }
      this.#committed = snapshot;
      for (const w of batch) w.resolve();
    }
  }

  /** Waits for writes in progress, then gives up the lock. */
  async close(): Promise<void> {
    while (this.#writing) await this.#writing;
    this.#lock?.release();
    this.#lock = undefined;
  }
}
