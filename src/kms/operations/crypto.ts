/**
 * @module kms/operations/crypto
 * Encrypt, Decrypt, ReEncrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext through the external key store
 * proxy, with the requestMetadata KMS sends. Any proxy failure is KMSInvalidStateException with the spec's message.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { KMS_FAILURE_MESSAGES, decodeBase64, type ProxyFailure } from "../../xks/index.js";
import { decodeBlob, encodeBlob } from "../ciphertext-blob.js";
import type { KmsContext } from "../context.js";
import { EncryptionContext, contextAad } from "../encryption-context.js";
import { KmsError, kmsError, proxyFailureError } from "../errors.js";
import { keyArn, type CustomKeyStoreRecord, type KeyRecord } from "../state.js";
import { KeyIdField, kmsInteger, parseInput } from "../validate.js";
import { findStore } from "./custom-key-stores.js";
import { resolveKey } from "./keys.js";

/** Blobs arrive Base64 in AWS JSON 1.1. */
const Blob = (min: number, max: number) =>
  z.string({ error: "Member must not be null" }).transform((s, ctx) => {
    const b = decodeBase64(s);
    if (!b || b.length < min || b.length > max) {
      ctx.addIssue({ code: "custom", message: `Member must be ${min}-${max} bytes, Base64` });
      return z.NEVER;
    }
    return b;
  });
const KeyId = KeyIdField;
const Algorithm = z.literal("SYMMETRIC_DEFAULT", { error: "Member must be SYMMETRIC_DEFAULT for a KMS key in an external key store" }).optional();

const proxyFailure = (failure: ProxyFailure, detail: string) => proxyFailureError(failure, detail, "crypto", "KMSInvalidStateException");

/** A key usable for cryptography: Enabled, and its store CONNECTED. */
function usableKey(ctx: KmsContext, keyId: string): { key: KeyRecord; arn: string; store: CustomKeyStoreRecord } {
  const key = resolveKey(ctx.store.state, ctx.region, keyId);
  const arn = keyArn(key.region, key.keyId);
  if (key.keyState === "PendingDeletion") throw kmsError.keyState(`${arn} is pending deletion.`);
  if (key.keyState === "Disabled") throw new KmsError("DisabledException", `${arn} is disabled.`);
  const store = findStore(ctx.store.state, ctx.region, key.customKeyStoreId);
  if (store.connectionState !== "CONNECTED") throw kmsError.keyState(`${KMS_FAILURE_MESSAGES.NotConnected} (${store.id} is ${store.connectionState})`);
  return { key, arn, store };
}

async function sealWith(ctx: KmsContext, keyId: string, plaintext: Buffer, ec: Record<string, string> | undefined, kmsOperation: string) {
  const { key, arn, store } = usableKey(ctx, keyId);
  const r = await ctx.gateway.encrypt(store, key.xksKeyId, plaintext, contextAad(ec), { kmsKeyArn: arn, awsPrincipalArn: ctx.principalArn, kmsOperation });
  if (!r.ok) throw proxyFailure(r.failure, r.detail);
  const blob = encodeBlob({ keyId: key.keyId, ...r.value });
  return { blob, arn };
}

async function openWith(ctx: KmsContext, blob: Buffer, ec: Record<string, string> | undefined, expectedKeyId: string | undefined, kmsOperation: string) {
  const parts = decodeBlob(blob);
  if (!parts) throw new KmsError("InvalidCiphertextException", "The ciphertext is not a valid ciphertext blob of this KMS");
  if (expectedKeyId) {
    const wanted = resolveKey(ctx.store.state, ctx.region, expectedKeyId);
    if (wanted.keyId !== parts.keyId) throw new KmsError("IncorrectKeyException", "The key ID in the request does not identify a KMS key that can perform this operation");
  }
  const { key, arn, store } = usableKey(ctx, parts.keyId);
  const r = await ctx.gateway.decrypt(store, key.xksKeyId, parts, contextAad(ec), { kmsKeyArn: arn, awsPrincipalArn: ctx.principalArn, kmsOperation });
  if (!r.ok) throw proxyFailure(r.failure, r.detail);
  return { plaintext: r.value, arn };
}

export async function encrypt(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object({ KeyId, Plaintext: Blob(1, 4096), EncryptionContext, EncryptionAlgorithm: Algorithm }), input);
  const { blob, arn } = await sealWith(ctx, i.KeyId, i.Plaintext, i.EncryptionContext, "Encrypt");
  return { CiphertextBlob: blob.toString("base64"), KeyId: arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" };
}

export async function decrypt(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object({ CiphertextBlob: Blob(1, 6144), EncryptionContext, KeyId: KeyId.optional(), EncryptionAlgorithm: Algorithm }), input);
  const { plaintext, arn } = await openWith(ctx, i.CiphertextBlob, i.EncryptionContext, i.KeyId, "Decrypt");
  return { KeyId: arn, Plaintext: plaintext.toString("base64"), EncryptionAlgorithm: "SYMMETRIC_DEFAULT" };
}

export async function reEncrypt(ctx: KmsContext, input: unknown) {
  const i = parseInput(
    z.object({
      CiphertextBlob: Blob(1, 6144),
      SourceEncryptionContext: EncryptionContext,
      SourceKeyId: KeyId.optional(),
      DestinationKeyId: KeyId,
      DestinationEncryptionContext: EncryptionContext,
      SourceEncryptionAlgorithm: Algorithm,
      DestinationEncryptionAlgorithm: Algorithm,
    }),
    input,
  );
  const source = await openWith(ctx, i.CiphertextBlob, i.SourceEncryptionContext, i.SourceKeyId, "ReEncrypt");
  const dest = await sealWith(ctx, i.DestinationKeyId, source.plaintext, i.DestinationEncryptionContext, "ReEncrypt");
  return { CiphertextBlob: dest.blob.toString("base64"), SourceKeyId: source.arn, KeyId: dest.arn, SourceEncryptionAlgorithm: "SYMMETRIC_DEFAULT", DestinationEncryptionAlgorithm: "SYMMETRIC_DEFAULT" };
}

const DataKeyInput = z.object({
  KeyId,
  EncryptionContext,
  KeySpec: z.enum(["AES_256", "AES_128"]).optional(),
  NumberOfBytes: kmsInteger(1, 1024).optional(),
});

async function dataKey(ctx: KmsContext, input: unknown, kmsOperation: string) {
  const i = parseInput(DataKeyInput, input);
  if ((i.KeySpec === undefined) === (i.NumberOfBytes === undefined)) throw kmsError.validation("Specify either KeySpec or NumberOfBytes");
  const plaintext = randomBytes(i.NumberOfBytes ?? (i.KeySpec === "AES_128" ? 16 : 32));
  const { blob, arn } = await sealWith(ctx, i.KeyId, plaintext, i.EncryptionContext, kmsOperation);
  return { plaintext, blob, arn };
}

export async function generateDataKey(ctx: KmsContext, input: unknown) {
  const d = await dataKey(ctx, input, "GenerateDataKey");
  return { CiphertextBlob: d.blob.toString("base64"), Plaintext: d.plaintext.toString("base64"), KeyId: d.arn };
}

export async function generateDataKeyWithoutPlaintext(ctx: KmsContext, input: unknown) {
  const d = await dataKey(ctx, input, "GenerateDataKeyWithoutPlaintext");
  return { CiphertextBlob: d.blob.toString("base64"), KeyId: d.arn };
}
