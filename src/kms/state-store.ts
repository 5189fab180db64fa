/**
 * @module kms/state-store
 * The one owner of the local KMS's state: reads are synchronous snapshots; every change is saved before the
 * caller goes on (see state-file.ts), so an answer never reports a change a crash could lose.
 */
import { loadState, saveState } from "./state-file.js";
import type { KmsState } from "./state.js";

export class StateStore {
  #state: KmsState;
  constructor(readonly file: string | undefined) {
    this.#state = loadState(file);
  }

  get state(): Readonly<KmsState> {
    return this.#state;
  }

  /** Applies `change` to a copy, saves it, then makes it current; a failed save changes nothing. */
  update<T>(change: (draft: KmsState) => T): T {
    const draft = structuredClone(this.#state);
    const result = change(draft);
    if (this.file) saveState(this.file, draft);
    this.#state = draft;
    return result;
  }
}
