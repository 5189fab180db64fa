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
}

export const KMS_FIELD_RULES = {
  XksProxyUriEndpoint: {
    field: "XksProxyUriEndpoint",
    pattern: /^https:\/\/[a-zA-Z0-9.-]+$/,
    minLength: 10,
    maxLength: 128,
    rule: "https://<host> with only a-z A-Z 0-9 . - in the host, no port, no path, 10-128 chars",
    fix: "give the scheme and DNS name only, e.g. https://xks.example.com (KMS always uses port 443)",
  },
  XksProxyUriPath: {
    field: "XksProxyUriPath",
    pattern: /^(\/[a-zA-Z0-9/_-]+\/kms\/xks\/v\d{1,2})$|^(\/kms\/xks\/v\d{1,2})$/,
    minLength: 10,
    maxLength: 128,
    rule: "[/<prefix>]/kms/xks/v1 with only a-z A-Z 0-9 / _ - in the prefix, 10-128 chars",
    fix: "use the path your proxy serves, ending in /kms/xks/v1, e.g. /example/uri/path/prefix/kms/xks/v1",
  },
  AccessKeyId: {
    field: "XksProxyAuthenticationCredential.AccessKeyId",
    pattern: /^[A-Z2-7]+$/,
    minLength: 20,
    maxLength: 30,
    rule: "20-30 chars of A-Z and 2-7",
    fix: "copy the access key id your proxy issued; it is not an IAM access key",
  },
  RawSecretAccessKey: {
    field: "XksProxyAuthenticationCredential.RawSecretAccessKey",
    pattern: /^[a-zA-Z0-9/+=]+$/,
    minLength: 43,
    maxLength: 64,
    rule: "43-64 chars of a-z A-Z 0-9 / + =",
    fix: "copy the secret your proxy issued, or make one with `openssl rand -base64 32`",
  },
  XksKeyId: {
    field: "XksKeyId",
    pattern: /^[a-zA-Z0-9-_.]+$/,
    minLength: 1,
    maxLength: 128,
    rule: "1-128 chars of a-z A-Z 0-9 - _ .",
    fix: "use the external key's id exactly as your key manager names it",
  },
  XksProxyVpcEndpointServiceName: {
    field: "XksProxyVpcEndpointServiceName",
    pattern: /^(com|eu)\.amazonaws\.vpce\.([a-z]+-){2,3}\d+\.vpce-svc-[0-9a-z]+$/,
    minLength: 20,
    maxLength: 64,
    rule: "com.amazonaws.vpce.<region>.vpce-svc-<id>, 20-64 chars",
    fix: "copy the service name of your VPC endpoint service from the VPC console",
  },
  // AccountIdType (KMS API reference): exactly 12 digits.
  XksProxyVpcEndpointServiceOwner: {
    field: "XksProxyVpcEndpointServiceOwner",
    pattern: /^[0-9]{12}$/,
    minLength: 12,
    maxLength: 12,
    rule: "an AWS account ID: exactly 12 digits",
    fix: "give the 12-digit ID of the account that owns the VPC endpoint service (omit it for your own account)",
  },
  CustomKeyStoreName: {
    field: "CustomKeyStoreName",
    pattern: /^[^\p{Cc}]+$/u,
    minLength: 1,
    maxLength: 256,
    rule: "1-256 chars",
    fix: "give a non-empty name of at most 256 characters",
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
  if (!r.pattern.test(value)) return fail("has characters or a shape the rule does not allow");
  return undefined;
}

export function formatViolation(v: RuleViolation): string {
  return `${v.field} ${v.problem}: must be ${v.rule}. Fix: ${v.fix}`;
}
