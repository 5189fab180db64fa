/**
 * @module kms/operations/aliases
 * CreateAlias, UpdateAlias, ListAliases, DeleteAlias. An alias points at a key id or key ARN (never at another
 * alias); a key pending deletion cannot get an alias (KMSInvalidStateException), but its aliases can be deleted.
 */
import { z } from "zod";
import type { KmsContext } from "../context.js";
import { KmsError, kmsError } from "../errors.js";
import { aliasArn } from "../state.js";
import { KeyIdField, page, paging, parseInput } from "../validate.js";
import { MANAGEABLE, requireKeyState } from "./key-state.js";
import { resolveKey } from "./keys.js";

const AliasName = z
  .string({ error: "Member must not be null" })
  .min(1)
  .max(256)
  .regex(/^alias\/[a-zA-Z0-9/_-]+$/, "Member must start with alias/ and use only a-z A-Z 0-9 / _ -")
  .refine((n) => !n.startsWith("alias/aws/"), "Member must not begin with alias/aws/ (reserved for AWS managed keys)");

export async function createAlias(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object({ AliasName, TargetKeyId: KeyIdField }), input);
  if (ctx.store.state.aliases.some((a) => a.region === ctx.region && a.aliasName === i.AliasName)) {
    throw new KmsError("AlreadyExistsException", `An alias with the name ${aliasArn(ctx.region, i.AliasName)} already exists`);
  }
  const key = targetKey(ctx, i.TargetKeyId);
  const now = Date.now() / 1000;
  await ctx.store.update(
    (s) => void s.aliases.push({ aliasName: i.AliasName, region: ctx.region, targetKeyId: key.keyId, creationDate: now, lastUpdatedDate: now }),
  );
  return {};
}

/** TargetKeyId: a key id or key ARN of a key that is not pending deletion. */
function targetKey(ctx: KmsContext, targetKeyId: string) {
  if (targetKeyId.includes("alias/")) throw kmsError.validation("TargetKeyId must be a key id or key ARN, not an alias");
  const key = resolveKey(ctx.store.state, ctx.region, targetKeyId);
  requireKeyState(ctx.store.state, key, MANAGEABLE);
  return key;
}

export async function updateAlias(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object({ AliasName, TargetKeyId: KeyIdField }), input);
  const notFound = () => kmsError.notFound(`Alias ${aliasArn(ctx.region, i.AliasName)} is not found.`);
  if (!ctx.store.state.aliases.some((a) => a.region === ctx.region && a.aliasName === i.AliasName)) throw notFound();
  const key = targetKey(ctx, i.TargetKeyId);
  await ctx.store.update((s) => {
    const alias = s.aliases.find((a) => a.region === ctx.region && a.aliasName === i.AliasName);
    if (!alias) throw notFound();
    alias.targetKeyId = key.keyId;
    alias.lastUpdatedDate = Date.now() / 1000;
  });
  return {};
}

export async function listAliases(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object({ KeyId: KeyIdField.optional(), ...paging }), input);
  let aliases = ctx.store.state.aliases.filter((a) => a.region === ctx.region);
  if (i.KeyId) {
    const key = resolveKey(ctx.store.state, ctx.region, i.KeyId);
    aliases = aliases.filter((a) => a.targetKeyId === key.keyId);
  }
  const p = page(aliases, i.Limit, i.Marker);
  return {
    Aliases: p.items.map((a) => ({ AliasName: a.aliasName, AliasArn: aliasArn(a.region, a.aliasName), TargetKeyId: a.targetKeyId, CreationDate: a.creationDate, LastUpdatedDate: a.lastUpdatedDate ?? a.creationDate })),
    Truncated: p.Truncated,
    ...(p.NextMarker ? { NextMarker: p.NextMarker } : {}),
  };
}

export async function deleteAlias(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object({ AliasName }), input);
  if (!ctx.store.state.aliases.some((a) => a.region === ctx.region && a.aliasName === i.AliasName)) throw kmsError.notFound(`Alias ${aliasArn(ctx.region, i.AliasName)} is not found`);
  await ctx.store.update((s) => {
    s.aliases = s.aliases.filter((a) => !(a.region === ctx.region && a.aliasName === i.AliasName));
  });
  return {};
}
