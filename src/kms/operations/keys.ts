/**
 * @module kms/operations/keys
 * CreateKey (Origin EXTERNAL_KEY_STORE, with Policy, Description and Tags), DescribeKey, ListKeys, and the KeyId
 * resolution every key operation shares (key id, key ARN, and where the operation allows it alias name, alias ARN).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { keyUnusableReason } from "../../xks/index.js";
import type { KmsContext } from "../context.js";
import { KmsError, kmsError, proxyFailureError } from "../errors.js";
import { LOCAL_ACCOUNT_ID } from "../../local-account.js";
import { aliasArn, keyArn, type KeyRecord, type KmsState } from "../state.js";
import { KeyIdField, StoreIdField, kmsField, kmsString, page, paging, parseInput } from "../validate.js";
import { findStore } from "./custom-key-stores.js";
import { PolicyDocument, defaultKeyPolicy } from "./key-policies.js";
import { keyStateOf } from "./key-state.js";
import { TagList, checkTags } from "./key-tags.js";


/** Description (KMS API model: DescriptionType, 0-8192). */
export const Description = kmsString(0, 8192);

const CreateKeyInput = z.object({
  Origin: z.enum(["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"]).optional(),
  CustomKeyStoreId: StoreIdField.optional(),
  XksKeyId: kmsField("XksKeyId").optional(),
  Description: Description.optional(),
  KeyUsage: z.enum(["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"]).optional(),
  KeySpec: z.string().optional(),
  CustomerMasterKeySpec: z.string().optional(),
  MultiRegion: z.boolean().optional(),
  Policy: PolicyDocument.optional(),
  BypassPolicyLockoutSafetyCheck: z.boolean().optional(),
  Tags: TagList.optional(),
});


/**
 * Finds a key by id, key ARN, alias name or alias ARN, in the caller's region. Operations whose KeyId KMS takes
 * only as a key id or key ARN (key policies, tags, enable/disable, deletion, rotation) pass `aliases: false`.
 */
export function resolveKey(
  state: Readonly<KmsState>,
  region: string,
  keyId: string,
  o: { aliases?: boolean } = {},
): KeyRecord {
  let id = keyId;
  const arn = /^arn:aws:kms:([^:]+):(\d{12}):(.+)$/.exec(keyId);
  if (arn) {
    if (arn[1] !== region || arn[2] !== LOCAL_ACCOUNT_ID) throw kmsError.notFound(`Key '${keyId}' does not exist`);
    id = arn[3]!.startsWith("key/") ? arn[3]!.slice(4) : arn[3]!;
  }
  if (id.startsWith("alias/") && o.aliases === false) {
    throw kmsError.notFound(`Invalid keyId ${keyId}: this operation takes a key id or key ARN, not an alias`);
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

/** KeyMetadata as DescribeKey and CreateKey return it. */
export function keyMetadata(state: Readonly<KmsState>, k: KeyRecord) {
  const keyState = keyStateOf(state, k);
  return {
    AWSAccountId: LOCAL_ACCOUNT_ID,
    KeyId: k.keyId,
    Arn: keyArn(k.region, k.keyId),
    CreationDate: k.creationDate,
    Enabled: keyState === "Enabled",
    Description: k.description,
    KeyUsage: "ENCRYPT_DECRYPT",
    KeyState: keyState,
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
  if (i.Tags) checkTags(i.Tags, []);
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
  const record: KeyRecord = {
    keyId,
    region: ctx.region,
    customKeyStoreId: store.id,
    xksKeyId: i.XksKeyId,
    description: i.Description ?? "",
    keyState: "Enabled",
    creationDate: Date.now() / 1000,
    // KMS keeps the default key policy when none is given; kept as text so GetKeyPolicy returns it byte for byte.
    policy: i.Policy ?? defaultKeyPolicy(),
    tags: i.Tags ?? [],
  };
  await ctx.store.update((s) => {
    if (s.keys.some((k) => k.customKeyStoreId === store.id && k.xksKeyId === i.XksKeyId)) throw new KmsError("XksKeyAlreadyInUseException", `The external key ${i.XksKeyId} is already in use`);
    s.keys.push(record);
  });
  return { KeyMetadata: keyMetadata(ctx.store.state, record) };
}

export async function describeKey(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object({ KeyId: KeyIdField }), input);
  return { KeyMetadata: keyMetadata(ctx.store.state, resolveKey(ctx.store.state, ctx.region, i.KeyId)) };
}

export async function listKeys(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object(paging), input);
  const p = page(ctx.store.state.keys.filter((k) => k.region === ctx.region), i.Limit, i.Marker);
  return { Keys: p.items.map((k) => ({ KeyId: k.keyId, KeyArn: keyArn(k.region, k.keyId) })), Truncated: p.Truncated, ...(p.NextMarker ? { NextMarker: p.NextMarker } : {}) };
}
