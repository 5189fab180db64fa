import { describe, expect, it } from "vitest";
import { KMS_FIELD_RULES, type KmsFieldName, checkKmsField, formatViolation } from "./kms-rules.js";

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"; // the A-Z 2-7 alphabet, 32 chars
const akid = (n: number) => B32.repeat(2).slice(0, n);
const SECRET_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=";
const secret = (n: number) => SECRET_CHARS.repeat(2).slice(0, n);
const uriPath = (total: number) => `/${"p".repeat(total - 1 - "/kms/xks/v1".length)}/kms/xks/v1`;

const valid: { name: string; field: KmsFieldName; value: string }[] = [
  // The spec's proxy configuration file for the KMS console.
  { name: "console JSON XksProxyUriPath", field: "XksProxyUriPath", value: "/keystores/4a0d79d6-1d1b-49fd-9dbe-799cb9c0fb3f/kms/xks/v1" },
  { name: "console JSON AccessKeyId (20 chars)", field: "AccessKeyId", value: "AKIAI2SFODNN7EXAMPLE" },
  { name: "console JSON RawSecretAccessKey (43 chars)", field: "RawSecretAccessKey", value: "FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE" },
  // The AWS test client's defaults.
  { name: "TC access key id", field: "AccessKeyId", value: "BETWEEN2TENAND3TENCHARACTERS" },
  { name: "TC secret (45 chars)", field: "RawSecretAccessKey", value: "PleaseReplaceThisWithSomeSecretOfLength43To64" },
  { name: "TC path", field: "XksProxyUriPath", value: "/example/uri/path/prefix/kms/xks/v1" },
  { name: "TC key id", field: "XksKeyId", value: "foo" },
  { name: "TC encrypt-only key id", field: "XksKeyId", value: "encrypt_only_key" },
  // The SigV4 vector's credential (docs/spec-notes.md, "Where the test vectors come from").
  { name: "SigV4 vector access key id", field: "AccessKeyId", value: "XKSTESTACCESSKEYID234567" },
  { name: "SigV4 vector secret", field: "RawSecretAccessKey", value: "5JaKFdSbBkkDzufKelW9Yd7rLyX48GBC2+hq2DaVUgs=" },
  // Boundaries.
  { name: "path without prefix", field: "XksProxyUriPath", value: "/kms/xks/v1" },
  { name: "path of 128 chars", field: "XksProxyUriPath", value: uriPath(128) },
  { name: "path with - and _ in the prefix", field: "XksProxyUriPath", value: "/a-b_c/D9/kms/xks/v1" },
  { name: "endpoint", field: "XksProxyUriEndpoint", value: "https://xks.example.com" },
  { name: "endpoint of 10 chars", field: "XksProxyUriEndpoint", value: "https://a." },
  { name: "access key id of 20 chars", field: "AccessKeyId", value: akid(20) },
  { name: "access key id of 30 chars", field: "AccessKeyId", value: akid(30) },
  { name: "secret of 43 chars", field: "RawSecretAccessKey", value: secret(43) },
  { name: "secret of 64 chars", field: "RawSecretAccessKey", value: secret(64) },
  { name: "key id with . - _", field: "XksKeyId", value: "key-1.v2_a" },
  { name: "key id of 128 chars", field: "XksKeyId", value: "k".repeat(128) },
  { name: "VPC endpoint service name", field: "XksProxyVpcEndpointServiceName", value: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0" },
  { name: "key store name", field: "CustomKeyStoreName", value: "ExampleXksKeyStore" },
];

const violations: { name: string; field: KmsFieldName; value: string | undefined; problem: RegExp }[] = [
  { name: "access key id of 19 chars", field: "AccessKeyId", value: akid(19), problem: /19 chars, shorter than 20/ },
  { name: "access key id of 31 chars", field: "AccessKeyId", value: akid(31), problem: /31 chars, longer than 30/ },
  { name: "lowercase access key id", field: "AccessKeyId", value: `A${akid(23).toLowerCase()}`, problem: /^has '[a-z]' at position 2, which is not allowed$/ },
  { name: "access key id with digit 1", field: "AccessKeyId", value: `${akid(23)}1`, problem: /^has '1' at position 24, which is not allowed$/ },
  { name: "access key id with digit 8", field: "AccessKeyId", value: `8${akid(23)}`, problem: /^has '8' at position 1, which is not allowed$/ },
  { name: "TC's invalid access key id (35 chars)", field: "AccessKeyId", value: "InvalidBETWEEN2TENAND3TENCHARACTERS", problem: /35 chars/ },
  { name: "missing access key id", field: "AccessKeyId", value: undefined, problem: /missing/ },
  { name: "empty access key id", field: "AccessKeyId", value: "", problem: /missing/ },
  { name: "secret of 42 chars", field: "RawSecretAccessKey", value: secret(42), problem: /42 chars, shorter than 43/ },
  { name: "secret of 65 chars", field: "RawSecretAccessKey", value: secret(65), problem: /65 chars, longer than 64/ },
  { name: "secret with - (URL-safe Base64)", field: "RawSecretAccessKey", value: `${secret(43)}-`, problem: /^has a character at position 44, which is not allowed$/ },
  { name: "secret with a space", field: "RawSecretAccessKey", value: `${secret(22)} ${secret(22)}`, problem: /^has a space at position 23, which is not allowed$/ },
  { name: "endpoint with a port", field: "XksProxyUriEndpoint", value: "https://xks.example.com:443", problem: /^has ':' at position 24, which is not allowed$/ },
  { name: "endpoint with a path", field: "XksProxyUriEndpoint", value: "https://xks.example.com/kms", problem: /^has '\/' at position 24/ },
  { name: "endpoint with a trailing slash", field: "XksProxyUriEndpoint", value: "https://xks.example.com/", problem: /^has '\/' at position 24/ },
  { name: "endpoint with http://", field: "XksProxyUriEndpoint", value: "http://xks.example.com", problem: /^does not start with https:\/\/$/ },
  { name: "endpoint without scheme", field: "XksProxyUriEndpoint", value: "xks.example.com", problem: /^does not start with https:\/\/$/ },
  { name: "endpoint of 9 chars", field: "XksProxyUriEndpoint", value: "https://a", problem: /9 chars, shorter than 10/ },
  { name: "path without /kms/xks/v1", field: "XksProxyUriPath", value: "/example/uri/path/prefix", problem: /^has only allowed characters, but not the form the rule requires$/ },
  { name: "path with a trailing slash", field: "XksProxyUriPath", value: "/example/kms/xks/v1/", problem: /characters|shape/ },
  { name: "path without the leading slash", field: "XksProxyUriPath", value: "example/kms/xks/v1", problem: /characters|shape/ },
  { name: "path with a space", field: "XksProxyUriPath", value: "/exa mple/kms/xks/v1", problem: /^has a space at position 5, which is not allowed$/ },
  { name: "path with a dot", field: "XksProxyUriPath", value: "/example.com/kms/xks/v1", problem: /^has '\.' at position 9, which is not allowed$/ },
  { name: "path of 129 chars", field: "XksProxyUriPath", value: uriPath(129), problem: /129 chars, longer than 128/ },
  { name: "key id with a slash", field: "XksKeyId", value: "a/b", problem: /^has '\/' at position 2, which is not allowed$/ },
  { name: "key id of 129 chars", field: "XksKeyId", value: "k".repeat(129), problem: /129 chars/ },
  { name: "VPC endpoint service name of another shape", field: "XksProxyVpcEndpointServiceName", value: "vpce-svc-0123456789abcdef0.example", problem: /characters|shape/ },
  { name: "key store name with a newline", field: "CustomKeyStoreName", value: "name\nwith newline", problem: /^has a line break at position 5, which is not allowed$/ },
];

describe("checkKmsField", () => {
  it("the boundary helpers build what they say", () => {
    expect(akid(31)).toMatch(/^[A-Z2-7]{31}$/);
    expect(secret(65)).toMatch(/^[a-zA-Z0-9/+=]{65}$/);
    expect(uriPath(129)).toHaveLength(129);
  });

  it.each(valid)("accepts $name", ({ field, value }) => expect(checkKmsField(field, value)).toBeUndefined());

  it.each(violations)("rejects $name", ({ field, value, problem }) => {
    const v = checkKmsField(field, value);
    expect(v).toBeDefined();
    if (!v) return;
    expect(v.field).toBe(KMS_FIELD_RULES[field].field);
    expect(v.rule).toBe(KMS_FIELD_RULES[field].rule);
    expect(v.fix).toBe(KMS_FIELD_RULES[field].fix);
    expect(v.problem).toMatch(problem);
    // The value may be a secret: the problem never echoes it. (The rule and fix texts of the URI fields
    // quote examples such as https://xks.example.com, so the whole message is checked for credentials only.)
    if (value) {
      expect(v.problem).not.toContain(value);
      if (field === "AccessKeyId" || field === "RawSecretAccessKey") expect(formatViolation(v)).not.toContain(value);
    }
  });

  it("names a character that is not printable ASCII by its code point", () => {
    expect(checkKmsField("XksKeyId", "clé")?.problem).toBe("has 'é' (U+00E9, not ASCII) at position 3, which is not allowed");
    expect(formatViolation(checkKmsField("AccessKeyId", "AKIAI2SFODNN7EXAMPLZ1")!)).toBe(
      "XksProxyAuthenticationCredential.AccessKeyId has '1' at position 21, which is not allowed: must be 20-30 chars of A-Z and 2-7. " +
        "Fix: copy the access key id your proxy issued; it is not an IAM access key",
    );
  });

  it("names the field by the label the caller gives", () => {
    const v = checkKmsField("RawSecretAccessKey", secret(42), "credentials[1].secretAccessKey");
    expect(v?.field).toBe("credentials[1].secretAccessKey");
    expect(v && formatViolation(v)).toMatch(/^credentials\[1\]\.secretAccessKey is 42 chars, shorter than 43: must be 43-64 chars/);
  });
});
