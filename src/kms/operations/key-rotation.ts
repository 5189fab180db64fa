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

type KeyIdShape = { KeyId: typeof KeyIdField } & z.ZodRawShape;

/** Validates the input, finds the key (NotFoundException first, as KMS), then refuses. */
function unsupported(shape: KeyIdShape) {
  const schema = z.object(shape);
  return async (ctx: KmsContext, input: unknown): Promise<never> => {
    const i = parseInput(schema, input) as { KeyId: string };
    const key = resolveKey(ctx.store.state, ctx.region, i.KeyId, { aliases: false });
    throw kmsError.unsupported(
      `${keyArn(key.region, key.keyId)} is in a custom key store: ` +
        "automatic and on-demand key rotation is not supported for KMS keys in a custom key store",
    );
  };
}

export const getKeyRotationStatus = unsupported({ KeyId: KeyIdField });
/** RotationPeriodInDays: 90-2560 (KMS API model). */
export const enableKeyRotation = unsupported({
  KeyId: KeyIdField,
  RotationPeriodInDays: z.number().int().min(90).max(2560).optional(),
});
export const disableKeyRotation = unsupported({ KeyId: KeyIdField });
export const rotateKeyOnDemand = unsupported({ KeyId: KeyIdField });
export const listKeyRotations = unsupported({
  KeyId: KeyIdField,
  Limit: z.number().int().min(1).max(1000).optional(),
  Marker: z.string().optional(),
});
