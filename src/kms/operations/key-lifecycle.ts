/**
 * @module kms/operations/key-lifecycle
 * EnableKey, DisableKey, UpdateKeyDescription, ScheduleKeyDeletion, CancelKeyDeletion, and the deletion itself: a
 * key pending deletion is deleted (with its aliases) once its DeletionDate has passed, as KMS does at the end of
 * the waiting period. Key-state rules from the AWS KMS Developer Guide's key state table.
 */
import { z } from "zod";
import type { KmsContext } from "../context.js";
import { keyArn, type KeyRecord, type KmsState } from "../state.js";
import { KeyIdField, kmsInteger, parseInput } from "../validate.js";
import { MANAGEABLE, requireKeyState } from "./key-state.js";
import { Description, resolveKey } from "./keys.js";

const DAY_SECONDS = 86_400;
/** ScheduleKeyDeletion's PendingWindowInDays (KMS API model: 1-365; KMS takes 7-30, 30 by default). */
export const PENDING_WINDOW_DAYS = { min: 7, max: 30, default: 30 } as const;

const KeyIdInput = z.object({ KeyId: KeyIdField });

function edit(ctx: KmsContext, key: KeyRecord, change: (k: KeyRecord) => void): Promise<void> {
  return ctx.store.update((s) => change(s.keys.find((x) => x.keyId === key.keyId && x.region === key.region)!));
}

export async function enableKey(ctx: KmsContext, input: unknown) {
  const i = parseInput(KeyIdInput, input);
  const key = resolveKey(ctx.store.state, ctx.region, i.KeyId, { aliases: false });
  // An Unavailable key can be enabled: it shows Enabled once its store is connected again.
  requireKeyState(ctx.store.state, key, MANAGEABLE);
  if (key.keyState !== "Enabled") await edit(ctx, key, (k) => void (k.keyState = "Enabled"));
  return {};
}

export async function disableKey(ctx: KmsContext, input: unknown) {
  const i = parseInput(KeyIdInput, input);
  const key = resolveKey(ctx.store.state, ctx.region, i.KeyId, { aliases: false });
  requireKeyState(ctx.store.state, key, MANAGEABLE);
  if (key.keyState !== "Disabled") await edit(ctx, key, (k) => void (k.keyState = "Disabled"));
  return {};
}

export async function updateKeyDescription(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object({ KeyId: KeyIdField, Description: Description }), input);
  const key = resolveKey(ctx.store.state, ctx.region, i.KeyId, { aliases: false });
  requireKeyState(ctx.store.state, key, MANAGEABLE);
  await edit(ctx, key, (k) => void (k.description = i.Description));
  return {};
}

export async function scheduleKeyDeletion(ctx: KmsContext, input: unknown) {
  const window = kmsInteger(PENDING_WINDOW_DAYS.min, PENDING_WINDOW_DAYS.max);
  const i = parseInput(z.object({ KeyId: KeyIdField, PendingWindowInDays: window.optional() }), input);
  const key = resolveKey(ctx.store.state, ctx.region, i.KeyId, { aliases: false });
  requireKeyState(ctx.store.state, key, MANAGEABLE);
  const days = i.PendingWindowInDays ?? PENDING_WINDOW_DAYS.default;
  const deletionDate = Date.now() / 1000 + days * DAY_SECONDS;
  await edit(ctx, key, (k) => {
    k.keyState = "PendingDeletion";
    k.deletionDate = deletionDate;
  });
  return {
    KeyId: keyArn(key.region, key.keyId),
    DeletionDate: deletionDate,
    KeyState: "PendingDeletion",
    PendingWindowInDays: days,
  };
}

export async function cancelKeyDeletion(ctx: KmsContext, input: unknown) {
  const i = parseInput(KeyIdInput, input);
  const key = resolveKey(ctx.store.state, ctx.region, i.KeyId, { aliases: false });
  requireKeyState(ctx.store.state, key, ["PendingDeletion"]);
  // KMS leaves a key whose deletion was cancelled Disabled: EnableKey makes it usable again.
  await edit(ctx, key, (k) => {
    k.keyState = "Disabled";
    delete k.deletionDate;
  });
  return { KeyId: keyArn(key.region, key.keyId) };
}

/** The keys whose waiting period has ended at `nowSeconds`. */
export function keysDueForDeletion(state: Readonly<KmsState>, nowSeconds: number): KeyRecord[] {
  return state.keys.filter(
    (k) => k.keyState === "PendingDeletion" && k.deletionDate !== undefined && k.deletionDate <= nowSeconds,
  );
}

/** Deletes the keys whose waiting period has ended, and their aliases. Writes nothing when none has. */
export async function deleteKeysDue(ctx: Pick<KmsContext, "store">, nowSeconds = Date.now() / 1000): Promise<void> {
  if (keysDueForDeletion(ctx.store.state, nowSeconds).length === 0) return;
  await ctx.store.update((s) => {
    const due = new Set(keysDueForDeletion(s, nowSeconds).map((k) => `${k.region}/${k.keyId}`));
    s.keys = s.keys.filter((k) => !due.has(`${k.region}/${k.keyId}`));
    s.aliases = s.aliases.filter((a) => !due.has(`${a.region}/${a.targetKeyId}`));
  });
}
