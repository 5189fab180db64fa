import { describe, expect, it } from "vitest";
import { StateStore } from "../state-store.js";
import type { KeyRecord } from "../state.js";
import { deleteKeysDue, keysDueForDeletion } from "./key-lifecycle.js";

function key(keyId: string, o: Partial<KeyRecord> = {}): KeyRecord {
  const base = { region: "us-east-1", customKeyStoreId: "cks-1", description: "", creationDate: 0 };
  return { ...base, keyId, xksKeyId: keyId, keyState: "Enabled", ...o };
}

describe("deleteKeysDue: the end of ScheduleKeyDeletion's waiting period", () => {
  it("deletes the keys pending deletion whose DeletionDate has passed, and their aliases; keeps the rest", async () => {
    const store = StateStore.open(undefined);
    await store.update((s) => {
      s.keys.push(
        key("due", { keyState: "PendingDeletion", deletionDate: 100 }),
        key("later", { keyState: "PendingDeletion", deletionDate: 300 }),
        key("live"),
      );
      s.aliases.push(
        { aliasName: "alias/due", region: "us-east-1", targetKeyId: "due", creationDate: 0 },
        { aliasName: "alias/live", region: "us-east-1", targetKeyId: "live", creationDate: 0 },
      );
    });
    expect(keysDueForDeletion(store.state, 99)).toEqual([]);
    await deleteKeysDue({ store }, 100);
    expect(store.state.keys.map((k) => k.keyId)).toEqual(["later", "live"]);
    expect(store.state.aliases.map((a) => a.aliasName)).toEqual(["alias/live"]);
    await deleteKeysDue({ store }, 1000);
    expect(store.state.keys.map((k) => k.keyId)).toEqual(["live"]);
  });

  it("writes nothing when no key is due", async () => {
    const store = StateStore.open(undefined);
    await store.update((s) => void s.keys.push(key("live")));
    const before = store.state;
    await deleteKeysDue({ store }, Number.MAX_SAFE_INTEGER);
    expect(store.state).toBe(before);
  });
});
