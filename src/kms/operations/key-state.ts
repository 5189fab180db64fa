/**
 * @module kms/operations/key-state
 * A KMS key's key state as KMS reports it, and which states each operation accepts (AWS KMS Developer Guide, "Key
 * states of AWS KMS keys"). A key in an external key store is Unavailable while its store is not CONNECTED: it can
 * be viewed and managed, not used. Its own state (Enabled, Disabled, PendingDeletion) is kept underneath and shows
 * again once the store connects; PendingDeletion shows either way.
 */
import { kmsError } from "../errors.js";
import { keyArn, type KeyRecord, type KmsState } from "../state.js";

export type KeyState = KeyRecord["keyState"] | "Unavailable";

export function keyStateOf(state: Readonly<KmsState>, key: KeyRecord): KeyState {
  if (key.keyState === "PendingDeletion") return "PendingDeletion";
  const store = state.customKeyStores.find((s) => s.id === key.customKeyStoreId && s.region === key.region);
  return store?.connectionState === "CONNECTED" ? key.keyState : "Unavailable";
}

const STATE_WORDS: Record<KeyState, string> = {
  Enabled: "enabled",
  Disabled: "disabled",
  PendingDeletion: "pending deletion",
  Unavailable: "unavailable",
};

/** KMSInvalidStateException worded as KMS words it (`<key ARN> is pending deletion.`), unless the state is allowed. */
export function requireKeyState(state: Readonly<KmsState>, key: KeyRecord, allowed: readonly KeyState[]): KeyState {
  const current = keyStateOf(state, key);
  if (!allowed.includes(current)) {
    throw kmsError.keyState(`${keyArn(key.region, key.keyId)} is ${STATE_WORDS[current]}.`);
  }
  return current;
}

/** What managing a key (description, tags, aliases, enable/disable, deletion) accepts: all but PendingDeletion. */
export const MANAGEABLE: readonly KeyState[] = ["Enabled", "Disabled", "Unavailable"];
