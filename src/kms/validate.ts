/**
 * @module kms/validate
 * Input validation as the KMS API model does it: the field's pattern and length, and a ValidationException that
 * names the field and the constraint (never the value: it may be a secret).
 */
import { z } from "zod";
import { checkKmsField, issueRule, type KmsFieldName } from "../xks/index.js";
import { kmsError } from "./errors.js";

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `Value at '${i.path.join(".") || "input"}' failed to satisfy constraint: ${issueRule(i)}`);
  throw kmsError.validation(`${issues.length} validation error${issues.length > 1 ? "s" : ""} detected: ${issues.join("; ")}`);
}

/** A string checked against a KMS field rule. */
export function kmsField(rule: KmsFieldName) {
  return z.string({ error: "Member must not be null" }).superRefine((v, ctx) => {
    const violation = checkKmsField(rule, v);
    if (violation) ctx.addIssue({ code: "custom", message: `Member ${violation.problem}; must be ${violation.rule}` });
  });
}

/** XksProxyUriEndpoint; outside --strict a :port is allowed, since a local proxy cannot hold a public certificate on 443. */
export function checkEndpoint(value: string, strict: boolean): void {
  const m = /^(https:\/\/[a-zA-Z0-9.-]+)(:\d{1,5})?$/.exec(value);
  const bare = m && (!m[2] || !strict) ? m[1]! : value;
  const v = checkKmsField("XksProxyUriEndpoint", bare);
  if (v) throw kmsError.validation(`1 validation error detected: Value at 'xksProxyUriEndpoint' failed to satisfy constraint: Member ${v.problem}; must be ${v.rule}${strict ? "" : " (a :port is allowed locally)"}`);
}

/** "Member must not be null" for a missing member only; zod's `error` on the type would word every issue so. */
const typeError = (kind: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? "Member must not be null" : `Member must be ${kind}`;

/** A string of the KMS model's length bounds, each violation in KMS's words. */
export function kmsString(min: number, max: number) {
  return z
    .string({ error: typeError("a string") })
    .min(min, `Member must have length greater than or equal to ${min}`)
    .max(max, `Member must have length less than or equal to ${max}`);
}

/** An integer of the KMS model's value bounds, each violation in KMS's words. */
export function kmsInteger(min: number, max: number) {
  return z
    .number({ error: typeError("a number") })
    .int("Member must be an integer")
    .min(min, `Member must have value greater than or equal to ${min}`)
    .max(max, `Member must have value less than or equal to ${max}`);
}

/** KeyId / TargetKeyId: key id, key ARN, alias name or alias ARN (KMS API model: 1-2048). */
export const KeyIdField = kmsString(1, 2048);
/** CustomKeyStoreId (KMS API model: 1-64). */
export const StoreIdField = kmsString(1, 64);

export const paging = {
  Limit: kmsInteger(1, 1000).optional(),
  Marker: z.string().regex(/^\d+$/, "Marker must be a value returned as NextMarker").optional(),
};

export function page<T>(items: T[], limit: number | undefined, marker: string | undefined): { items: T[]; NextMarker?: string; Truncated: boolean } {
  const start = marker ? Number(marker) : 0;
  const size = limit ?? 100;
  const slice = items.slice(start, start + size);
  const truncated = start + size < items.length;
  return { items: slice, Truncated: truncated, ...(truncated ? { NextMarker: String(start + size) } : {}) };
}
