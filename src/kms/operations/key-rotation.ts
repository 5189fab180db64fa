/**
 * @module kms/operations/key-rotation
 * GetKeyRotationStatus, EnableKeyRotation, DisableKeyRotation, RotateKeyOnDemand, ListKeyRotations. KMS does not
 * rotate keys in a custom key store (their key material lives outside AWS): once the key is found, each of these
 * answers UnsupportedOperationException, which is what callers such as the Terraform AWS provider must see.
 */
import { z } from "zod";
import type { KmsContext } from "../context.js";
import { kmsError } from "../errors.js";
import { keyArn } from "../state.js";
import { KeyIdField, parseInput } from "../validate.js";
import { resolveKey } from "./keys.js";

async function unsupported(ctx: KmsContext, input: unknown, schema: z.ZodObject<{ KeyId: typeof KeyIdField } & z.ZodRawShape>): Promise<never> {
  const i = parseInput(schema, input) as { KeyId: string };
  const key = resolveKey(ctx.store.state, ctx.region, i.KeyId, { aliases: false });
  throw kmsError.unsupported(`${keyArn(key.region, key.keyId)} is in a custom key store: automatic and on-demand key rotation is not supported for KMS keys in a custom key store`);
}

export const getKeyRotationStatus = (ctx: KmsContext, input: unknown) => unsupported(ctx, input, z.object({ KeyId: KeyIdField }));
export const enableKeyRotation = (ctx: KmsContext, input: unknown) =>
  unsupported(ctx, input, z.object({ KeyId: KeyIdField, RotationPeriodInDays: z.number().int().min(90).max(2560).optional() }));
export const disableKeyRotation = (ctx: KmsContext, input: unknown) => unsupported(ctx, input, z.object({ KeyId: KeyIdField }));
export const rotateKeyOnDemand = (ctx: KmsContext, input: unknown) => unsupported(ctx, input, z.object({ KeyId: KeyIdField }));
export const listKeyRotations = (ctx: KmsContext, input: unknown) =>
  unsupported(ctx, input, z.object({ KeyId: KeyIdField, Limit: z.number().int().min(1).max(1000).optional(), Marker: z.string().optional() }));
