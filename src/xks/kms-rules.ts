/**
 * @module xks/kms-rules
 * What CreateCustomKeyStore / UpdateCustomKeyStore / CreateKey validate (KMS API model), each rule with
 * the fix a user needs. The proxy's config, the harness's input check and the local KMS all use these.
 */

/** XksProxyConnectivity values (KMS API model). */
export const XKS_CONNECTIVITIES = ["PUBLIC_ENDPOINT", "VPC_ENDPOINT_SERVICE"] as const;
export type XksConnectivity = (typeof XKS_CONNECTIVITIES)[number];

export function isXksConnectivity(value: unknown): value is XksConnectivity {
  return (XKS_CONNECTIVITIES as readonly unknown[]).includes(value);
}

/**
 * UpdateCustomKeyStore parameters KMS changes only while the store is DISCONNECTED (KMS API reference,
 * UpdateCustomKeyStore); name, path and credential may change while it is CONNECTED too.
 */
export const PARAMETERS_NEEDING_DISCONNECTED = ["XksProxyUriEndpoint", "XksProxyConnectivity", "XksProxyVpcEndpointServiceName", "XksProxyVpcEndpointServiceOwner"] as const;

/** An AWS region name, e.g. us-east-1 or us-gov-west-1. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

interface KmsFieldRule {
  /** KMS API field name. */
  field: string;
  pattern: RegExp;
  minLength: number;
  maxLength: number;
  /** The rule in words, for messages. */
  rule: string;
  /** How to get a valid value. */
  fix: string;
  /** One allowed character, to name the first one that is not (after `prefix`, which the value must start with). */
  chars: RegExp;
  prefix?: string;
  /** A secret: a bad character is described by its kind and position, never shown. */
  secret?: boolean;
}

export const KMS_FIELD_RULES = {
  XksProxyUriEndpoint: {
    field: "XksProxyUriEndpoint",
    pattern: /^https:\/\/[a-zA-Z0-9.-]+$/,
    minLength: 10,
    maxLength: 128,
    rule: "https://<host> with only a-z A-Z 0-9 . - in the host, no port, no path, 10-128 chars",
    fix: "give the scheme and DNS name only, e.g. https://xks.example.com (KMS always uses port 443)",
    chars: /[a-zA-Z0-9.-]/,
    prefix: "https://",
  },
  XksProxyUriPath: {
    field: "XksProxyUriPath",
    pattern: /^(\/[a-zA-Z0-9/_-]+\/kms\/xks\/v\d{1,2})$|^(\/kms\/xks\/v\d{1,2})$/,
    minLength: 10,
    maxLength: 128,
    rule: "[/<prefix>]/kms/xks/v1 with only a-z A-Z 0-9 / _ - in the prefix, 10-128 chars",
    fix: "use the path your proxy serves, ending in /kms/xks/v1, e.g. /example/uri/path/prefix/kms/xks/v1",
    chars: /[a-zA-Z0-9/_-]/,
  },
  AccessKeyId: {
    field: "XksProxyAuthenticationCredential.AccessKeyId",
    pattern: /^[A-Z2-7]+$/,
    minLength: 20,
    maxLength: 30,
    rule: "20-30 chars of A-Z and 2-7",
    fix: "copy the access key id your proxy issued; it is not an IAM access key",
    chars: /[A-Z2-7]/,
  },
  RawSecretAccessKey: {
    field: "XksProxyAuthenticationCredential.RawSecretAccessKey",
    pattern: /^[a-zA-Z0-9/+=]+$/,
    minLength: 43,
    maxLength: 64,
    rule: "43-64 chars of a-z A-Z 0-9 / + =",
    fix: "copy the secret your proxy issued, or make one with `openssl rand -base64 32`",
    chars: /[a-zA-Z0-9/+=]/,
    secret: true,
  },
  XksKeyId: {
    field: "XksKeyId",
    pattern: /^[a-zA-Z0-9-_.]+$/,
    minLength: 1,
    maxLength: 128,
    rule: "1-128 chars of a-z A-Z 0-9 - _ .",
    fix: "use the external key's id exactly as your key manager names it",
    chars: /[a-zA-Z0-9._-]/,
  },
  XksProxyVpcEndpointServiceName: {
    field: "XksProxyVpcEndpointServiceName",
    pattern: /^(com|eu)\.amazonaws\.vpce\.([a-z]+-){2,3}\d+\.vpce-svc-[0-9a-z]+$/,
    minLength: 20,
    maxLength: 64,
    rule: "com.amazonaws.vpce.<region>.vpce-svc-<id>, 20-64 chars",
    fix: "copy the service name of your VPC endpoint service from the VPC console",
    chars: /[a-z0-9.-]/,
  },
  // AccountIdType (KMS API reference): exactly 12 digits.
  XksProxyVpcEndpointServiceOwner: {
    field: "XksProxyVpcEndpointServiceOwner",
    pattern: /^[0-9]{12}$/,
    minLength: 12,
    maxLength: 12,
    rule: "an AWS account ID: exactly 12 digits",
    fix: "give the 12-digit ID of the account that owns the VPC endpoint service (omit it for your own account)",
    chars: /[0-9]/,
  },
  CustomKeyStoreName: {
    field: "CustomKeyStoreName",
    pattern: /^[^\p{Cc}]+$/u,
    minLength: 1,
    maxLength: 256,
    rule: "1-256 chars",
    fix: "give a non-empty name of at most 256 characters",
    chars: /[^\p{Cc}]/u,
  },
} as const satisfies Record<string, KmsFieldRule>;

export type KmsFieldName = keyof typeof KMS_FIELD_RULES;

export interface RuleViolation {
  field: string;
  rule: string;
  fix: string;
  /** What is wrong with this value, never the value itself (it may be a secret). */
  problem: string;
}

/** Checks one value against a KMS field rule; returns undefined when it passes. */
export function checkKmsField(name: KmsFieldName, value: string | undefined, fieldLabel?: string): RuleViolation | undefined {
  const r: KmsFieldRule = KMS_FIELD_RULES[name];
  const field = fieldLabel ?? r.field;
  const fail = (problem: string): RuleViolation => ({ field, rule: r.rule, fix: r.fix, problem });
  if (value === undefined || value === "") return fail("is missing");
  if (value.length < r.minLength) return fail(`is ${value.length} chars, shorter than ${r.minLength}`);
  if (value.length > r.maxLength) return fail(`is ${value.length} chars, longer than ${r.maxLength}`);
  if (!r.pattern.test(value)) return fail(patternProblem(r, value));
  return undefined;
}

/** A character as a user can find it: quoted when printable ASCII, else named by its kind and code point. */
function characterName(c: string): string {
  const names: Record<string, string> = { " ": "a space", "\t": "a tab", "\n": "a line break", "\r": "a carriage return" };
  if (names[c]) return names[c];
  const hex = `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  if (/[\x21-\x7e]/.test(c)) return `'${c}'`;
  return /\p{Cc}/u.test(c) ? `a control character (${hex})` : `'${c}' (${hex}, not ASCII)`;
}

/** Which character breaks the rule, and where (1-based); or that the characters are fine and the shape is not. */
function patternProblem(r: KmsFieldRule, value: string): string {
  if (r.prefix && !value.startsWith(r.prefix)) return `does not start with ${r.prefix}`;
  const chars = Array.from(value);
  const skip = r.prefix ? Array.from(r.prefix).length : 0;
  const at = chars.findIndex((c, i) => i >= skip && !r.chars.test(c));
  if (at < 0) return "has only allowed characters, but not the form the rule requires";
  const c = chars[at]!;
  // A secret's character is not shown unless it is whitespace or a control character (never part of a secret).
  const shown = r.secret && /[\x21-\x7e]/.test(c) ? "a character" : characterName(c);
  return `has ${shown} at position ${at + 1}, which is not allowed`;
}

export function formatViolation(v: RuleViolation): string {
  return `${v.field} ${v.problem}: must be ${v.rule}. Fix: ${v.fix}`;
}
