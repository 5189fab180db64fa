/**
 * @module kms/operations/keys
 * CreateKey (Origin EXTERNAL_KEY_STORE), DescribeKey, ListKeys, ScheduleKeyDeletion, and the KeyId resolution
 * every key operation shares (key id, key ARN, alias name, alias ARN).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { keyUnusableReason } from "../../xks/index.js";
import type { KmsContext } from "../context.js";
import { KmsError, kmsError, proxyFailureError } from "../errors.js";
import { LOCAL_ACCOUNT_ID } from "../../local-account.js";
import { aliasArn, keyArn, type KeyRecord, type KmsState } from "../state.js";
import { KeyIdField, StoreIdField, kmsField, page, paging, parseInput } from "../validate.js";
import { findStore } from "./custom-key-stores.js";


const CreateKeyInput = z.object({
  Origin: z.enum(["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"]).optional(),
  CustomKeyStoreId: StoreIdField.optional(),
  XksKeyId: kmsField("XksKeyId").optional(),
  Description: z.string().max(8192).optional(),
  KeyUsage: z.enum(["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"]).optional(),
  KeySpec: z.string().optional(),
  CustomerMasterKeySpec: z.string().optional(),
  MultiRegion: z.boolean().optional(),
});

/** Finds a key by id, key ARN, alias name or alias ARN, in the caller's region. */
export function resolveKey(state: KmsState, region: string, keyId: string): KeyRecord {
  let id = keyId;
  const arn = /^arn:aws:kms:([^:]+):(\d{12}):(.+)$/.exec(keyId);
  if (arn) {
    if (arn[1] !== region || arn[2] !== LOCAL_ACCOUNT_ID) throw kmsError.notFound(`Key '${keyId}' does not exist`);
    id = arn[3]!.startsWith("key/") ? arn[3]!.slice(4) : arn[3]!;
  }
  if (id.startsWith("alias/")) {
    const alias = state.aliases.find((a) => a.region === region && a.aliasName === id);
    if (!alias) throw kmsError.notFound(`Alias ${aliasArn(region, id)} is not found.`);
    id = alias.targetKeyId;
  }
  const key = state.keys.find((k) => k.region === region && k.keyId === id);
  if (!key) throw kmsError.notFound(`Key '${keyArn(region, id)}' does not exist`);
  return key;
}

function keyMetadata(k: KeyRecord) {
  return {
    AWSAccountId: LOCAL_ACCOUNT_ID,
    KeyId: k.keyId,
    Arn: keyArn(k.region, k.keyId),
    CreationDate: k.creationDate,
    Enabled: k.keyState === "Enabled",
    Description: k.description,
    KeyUsage: "ENCRYPT_DECRYPT",
    KeyState: k.keyState,
    ...(k.deletionDate ? { DeletionDate: k.deletionDate } : {}),
    Origin: "EXTERNAL_KEY_STORE",
    CustomKeyStoreId: k.customKeyStoreId,
    KeyManager: "CUSTOMER",
    CustomerMasterKeySpec: "SYMMETRIC_DEFAULT",
    KeySpec: "SYMMETRIC_DEFAULT",
    EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
    MultiRegion: false,
    XksKeyConfiguration: { Id: k.xksKeyId },
  };
}

export async function createKey(ctx: KmsContext, input: unknown) {
  const i = parseInput(CreateKeyInput, input);
  if (i.Origin !== "EXTERNAL_KEY_STORE") throw kmsError.unsupported("This local KMS implements only KMS keys in external key stores: Origin EXTERNAL_KEY_STORE");
  if (!i.CustomKeyStoreId || !i.XksKeyId) throw kmsError.validation("Origin EXTERNAL_KEY_STORE requires CustomKeyStoreId and XksKeyId");
  if ((i.KeyUsage ?? "ENCRYPT_DECRYPT") !== "ENCRYPT_DECRYPT") throw kmsError.validation("KMS keys in an external key store have KeyUsage ENCRYPT_DECRYPT");
  const spec = i.KeySpec ?? i.CustomerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
  if (spec !== "SYMMETRIC_DEFAULT") throw kmsError.validation("KMS keys in an external key store have KeySpec SYMMETRIC_DEFAULT");
  if (i.MultiRegion) throw kmsError.unsupported("Multi-Region keys cannot be created in a custom key store");
  const store = findStore(ctx.store.state, ctx.region, i.CustomKeyStoreId);
  if (store.connectionState !== "CONNECTED") throw kmsError.storeState(`The custom key store ${store.id} is ${store.connectionState}; it must be CONNECTED to create keys in it`);
  if (ctx.store.state.keys.some((k) => k.customKeyStoreId === store.id && k.xksKeyId === i.XksKeyId)) {
    throw new KmsError("XksKeyAlreadyInUseException", `The external key ${i.XksKeyId} is already associated with a KMS key in this custom key store`);
  }
  const keyId = randomUUID();
  const r = await ctx.gateway.metadata(store, i.XksKeyId, { kmsOperation: "CreateKey", awsPrincipalArn: ctx.principalArn, kmsKeyArn: keyArn(ctx.region, keyId) });
  if (!r.ok) throw proxyFailureError(r.failure, r.detail, "createKey", "CustomKeyStoreInvalidStateException");
  const unusable = keyUnusableReason(r.value);
  if (unusable) {
    throw new KmsError("XksKeyInvalidConfigurationException", `The external key ${i.XksKeyId} cannot back a KMS key: it must be AES_256 with ENCRYPT and DECRYPT, and ENABLED (${unusable})`);
  }
  const record: KeyRecord = { keyId, region: ctx.region, customKeyStoreId: store.id, xksKeyId: i.XksKeyId, description: i.Description ?? "", keyState: "Enabled", creationDate: Date.now() / 1000 };
  await ctx.store.update((s) => {
    if (s.keys.some((k) => k.customKeyStoreId === store.id && k.xksKeyId === i.XksKeyId)) throw new KmsError("XksKeyAlreadyInUseException", `The external key ${i.XksKeyId} is already in use`);
    s.keys.push(record);
  });
  return { KeyMetadata: keyMetadata(record) };
}

export async function describeKey(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object({ KeyId: KeyIdField }), input);
  return { KeyMetadata: keyMetadata(resolveKey(ctx.store.state, ctx.region, i.KeyId)) };
}

export async function listKeys(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object(paging), input);
  const p = page(ctx.store.state.keys.filter((k) => k.region === ctx.region), i.Limit, i.Marker);
  return { Keys: p.items.map((k) => ({ KeyId: k.keyId, KeyArn: keyArn(k.region, k.keyId) })), Truncated: p.Truncated, ...(p.NextMarker ? { NextMarker: p.NextMarker } : {}) };
}

export async function scheduleKeyDeletion(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object({ KeyId: KeyIdField, PendingWindowInDays: z.number().int().min(7).max(30).optional() }), input);
  const key = resolveKey(ctx.store.state, ctx.region, i.KeyId);
  if (key.keyState === "PendingDeletion") throw kmsError.keyState(`${keyArn(key.region, key.keyId)} is pending deletion.`);
  const days = i.PendingWindowInDays ?? 30;
  const deletionDate = Date.now() / 1000 + days * 86400;
  await ctx.store.update((s) => {
    const k = s.keys.find((x) => x.keyId === key.keyId)!;
    k.keyState = "PendingDeletion";
    k.deletionDate = deletionDate;
  });
  return { KeyId: keyArn(key.region, key.keyId), DeletionDate: deletionDate, KeyState: "PendingDeletion", PendingWindowInDays: days };
}
