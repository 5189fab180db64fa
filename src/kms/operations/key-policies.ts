/**
 * @module kms/operations/key-policies
 * GetKeyPolicy, PutKeyPolicy, ListKeyPolicies: one key policy per key, named `default`, the default key policy when
 * CreateKey was given none (as KMS does). The local KMS keeps policies but evaluates none: like every local call,
 * any credentials may do anything, so BypassPolicyLockoutSafetyCheck changes nothing here.
 */
import { z } from "zod";
import type { KmsContext } from "../context.js";
import { KmsError, kmsError } from "../errors.js";
import { LOCAL_ACCOUNT_ID } from "../../local-account.js";
import { KeyIdField, page, paging, parseInput } from "../validate.js";
import { resolveKey } from "./keys.js";

const POLICY_NAME = "default";

/** PolicyNameType (KMS API model): 1-128 word characters; KMS knows only `default`. */
const PolicyName = z.string().min(1).max(128).regex(/^[\w]+$/, "Member must match ^[\\w]+$").optional();

/**
 * PolicyType (KMS API model: 1-131072 chars of tab, LF, CR and U+0020-U+00FF) that is a JSON policy document with
 * a Statement; anything else is MalformedPolicyDocumentException, as KMS answers.
 */
export const PolicyDocument = z
  .string({ error: "Member must not be null" })
  .min(1)
  .max(131072)
  .regex(/^[\u0009\u000A\u000D\u0020-\u00FF]+$/, "Member must use only tab, newline, CR and U+0020-U+00FF")
  .transform((text) => {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new KmsError("MalformedPolicyDocumentException", "The key policy is not valid JSON");
    }
    const isObject = typeof doc === "object" && doc !== null && !Array.isArray(doc);
    const statement = isObject ? (doc as { Statement?: unknown }).Statement : undefined;
    if (typeof statement !== "object" || statement === null) {
      throw new KmsError(
        "MalformedPolicyDocumentException",
        "The key policy must be a JSON object with a Statement (an object or an array of them)",
      );
    }
    return text;
  });

/** The default key policy KMS gives a key created without one: the account's IAM policies decide access. */
export function defaultKeyPolicy(): string {
  return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::${LOCAL_ACCOUNT_ID}:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`;
}

function checkPolicyName(name: string | undefined): void {
  if (name !== undefined && name !== POLICY_NAME) {
    throw kmsError.notFound(`No such policy exists: ${name}. The only key policy name is ${POLICY_NAME}`);
  }
}

export async function getKeyPolicy(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object({ KeyId: KeyIdField, PolicyName }), input);
  const key = resolveKey(ctx.store.state, ctx.region, i.KeyId, { aliases: false });
  checkPolicyName(i.PolicyName);
  return { Policy: key.policy ?? defaultKeyPolicy(), PolicyName: POLICY_NAME };
}

export async function putKeyPolicy(ctx: KmsContext, input: unknown) {
  const i = parseInput(
    z.object({
      KeyId: KeyIdField,
      PolicyName,
      Policy: PolicyDocument,
      BypassPolicyLockoutSafetyCheck: z.boolean().optional(),
    }),
    input,
  );
  const key = resolveKey(ctx.store.state, ctx.region, i.KeyId, { aliases: false });
  checkPolicyName(i.PolicyName);
  // Allowed in every key state, PendingDeletion included (a policy may have to change before CancelKeyDeletion).
  await ctx.store.update((s) => {
    s.keys.find((k) => k.keyId === key.keyId && k.region === key.region)!.policy = i.Policy;
  });
  return {};
}

export async function listKeyPolicies(ctx: KmsContext, input: unknown) {
  const i = parseInput(z.object({ KeyId: KeyIdField, ...paging }), input);
  resolveKey(ctx.store.state, ctx.region, i.KeyId, { aliases: false });
  const p = page([POLICY_NAME], i.Limit, i.Marker);
  return { PolicyNames: p.items, Truncated: p.Truncated, ...(p.NextMarker ? { NextMarker: p.NextMarker } : {}) };
}
