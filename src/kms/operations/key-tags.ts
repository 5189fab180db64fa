/**
 * @module kms/operations/key-tags
 * TagResource, UntagResource, ListResourceTags on KMS keys, with KMS's tag rules: TagKey 1-128 and TagValue 0-256
 * characters (KMS API model), keys starting with `aws:` reserved, one value per key, at most 50 tags per key. A
 * key pending deletion cannot be tagged or untagged (KMSInvalidStateException); its tags can still be listed.
 */
import { z } from "zod";
import type { KmsContext } from "../context.js";
import { KmsError } from "../errors.js";
import type { KeyTag } from "../state.js";
import { KeyIdField, page, parseInput } from "../validate.js";
import { MANAGEABLE, requireKeyState } from "./key-state.js";
import { resolveKey } from "./keys.js";

/** Tags per KMS key (AWS KMS quotas). */
export const MAX_TAGS_PER_KEY = 50;

const TagKey = z.string({ error: "Member must not be null" }).min(1).max(128);
export const TagList = z.array(z.object({ TagKey, TagValue: z.string({ error: "Member must not be null" }).max(256) }));

/** TagException for a reserved or repeated key; LimitExceededException when the key would hold more than 50 tags. */
export function checkTags(tags: readonly KeyTag[], existing: readonly KeyTag[]): void {
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.TagKey.toLowerCase().startsWith("aws:")) {
      const why = "tag keys beginning with aws: are reserved for AWS";
      throw new KmsError("TagException", `Tag key ${t.TagKey} is not allowed: ${why}`);
    }
    if (seen.has(t.TagKey)) {
      throw new KmsError("TagException", `Tag key ${t.TagKey} appears more than once in the request; give it once`);
    }
    seen.add(t.TagKey);
  }
  const total = new Set([...existing.map((t) => t.TagKey), ...seen]).size;
  if (total > MAX_TAGS_PER_KEY) {
    throw new KmsError(
      "LimitExceededException",
      `A KMS key can have at most ${MAX_TAGS_PER_KEY} tags; this request would give it ${total}. ` +
        "Remove tags (UntagResource) first",
    );
  }
}

/** `existing` with `tags` set on it: a new value replaces the old one, new keys are added at the end. */
function mergeTags(existing: readonly KeyTag[], tags: readonly KeyTag[]): KeyTag[] {
  const merged = existing.map((t) => ({ ...t }));
  for (const t of tags) {
    const old = merged.find((m) => m.TagKey === t.TagKey);
    if (old) old.TagValue = t.TagValue;
    else merged.push({ TagKey: t.TagKey, TagValue: t.TagValue });
  }
  return merged;
}

export async function tagResource(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object({ KeyId: KeyIdField, Tags: TagList }), input);
  const key = resolveKey(ctx.store.state, ctx.region, i.KeyId, { aliases: false });
  requireKeyState(ctx.store.state, key, MANAGEABLE);
  checkTags(i.Tags, key.tags ?? []);
  await ctx.store.update((s) => {
    const k = s.keys.find((x) => x.keyId === key.keyId && x.region === key.region)!;
    k.tags = mergeTags(k.tags ?? [], i.Tags);
  });
  return {};
}

export async function untagResource(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object({ KeyId: KeyIdField, TagKeys: z.array(TagKey) }), input);
  const key = resolveKey(ctx.store.state, ctx.region, i.KeyId, { aliases: false });
  requireKeyState(ctx.store.state, key, MANAGEABLE);
  const drop = new Set(i.TagKeys);
  await ctx.store.update((s) => {
    const k = s.keys.find((x) => x.keyId === key.keyId && x.region === key.region)!;
    k.tags = (k.tags ?? []).filter((t) => !drop.has(t.TagKey));
  });
  return {};
}

export async function listResourceTags(ctx: KmsContext, input: unknown) {
  const i = parseInput(
    z.object({
      KeyId: KeyIdField,
      // KMS takes 1-50 here (50 by default), though the model's LimitType allows more.
      Limit: z.number().int().min(1).max(MAX_TAGS_PER_KEY).optional(),
      Marker: z.string().regex(/^\d+$/, "Marker must be a value returned as NextMarker").optional(),
    }),
    input,
  );
  const key = resolveKey(ctx.store.state, ctx.region, i.KeyId, { aliases: false });
  const p = page(key.tags ?? [], i.Limit ?? MAX_TAGS_PER_KEY, i.Marker);
  return { Tags: p.items, Truncated: p.Truncated, ...(p.NextMarker ? { NextMarker: p.NextMarker } : {}) };
}
