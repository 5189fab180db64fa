import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  DecryptRequest,
  DecryptResponse,
  EncryptRequest,
  EncryptResponse,
  ErrorResponse,
  HealthRequest,
  HealthResponse,
  MetadataRequest,
  MetadataResponse,
  UsableKeyMetadata,
  describeIssues,
} from "./schemas.js";

type Json = Record<string, unknown>;
const b64 = (n: number) => Buffer.alloc(n, 0xab).toString("base64");

// The spec's example payloads (its Encrypt, Decrypt, GetKeyMetadata and GetHealthStatus sections), verbatim.
const SPEC_ENCRYPT_REQUEST: Json = JSON.parse(
  '{"requestMetadata":{"awsPrincipalArn":"arn:aws:iam::123456789012:user/Alice","kmsKeyArn":"arn:aws:kms:us-east-2:123456789012:/key/1234abcd-12ab-34cd-56ef-1234567890ab","kmsOperation":"Encrypt","kmsRequestId":"4112f4d6-db54-4af4-ae30-c55a22a8dfae","kmsViaService":"ebs"},"additionalAuthenticatedData":"cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n","plaintext":"SGVsbG8gV29ybGQh","encryptionAlgorithm":"AES_GCM","ciphertextDataIntegrityValueAlgorithm":"SHA_256"}',
);
const SPEC_ENCRYPT_RESPONSE: Json = JSON.parse(
  '{"authenticationTag":"vBxN2ncH1oEkR8WVXpmyYQ==","ciphertext":"ghxkK1txeDNn3q8Y","ciphertextDataIntegrityValue":"qHA/ImC9h5HsLRXqCyPmWgYx7tzyoTplzILbP0fPXsc=","ciphertextMetadata":"a2V5X3ZlcnNpb249MQ==","initializationVector":"HMrlRw85cAJUd5Ax"}',
);
const SPEC_DECRYPT_REQUEST: Json = JSON.parse(
  '{"requestMetadata":{"awsPrincipalArn":"arn:aws:iam::123456789012:user/Alice","kmsKeyArn":"arn:aws:kms:us-east-2:123456789012:/key/1234abcd-12ab-34cd-56ef-1234567890ab","kmsOperation":"Decrypt","kmsRequestId":"5112f4d6-db54-4af4-ae30-c55a22a8dfae","kmsViaService":"ebs"},"additionalAuthenticatedData":"cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n","encryptionAlgorithm":"AES_GCM","ciphertext":"ghxkK1txeDNn3q8Y","ciphertextMetadata":"a2V5X3ZlcnNpb249MQ==","initializationVector":"HMrlRw85cAJUd5Ax","authenticationTag":"vBxN2ncH1oEkR8WVXpmyYQ=="}',
);
const SPEC_METADATA_REQUEST: Json = JSON.parse(
  '{"requestMetadata":{"awsPrincipalArn":"arn:aws:iam::123456789012:user/Alice","kmsOperation":"CreateKey","kmsRequestId":"4112f4d6-db54-4af4-ae30-c55a22a8dfae"}}',
);
const SPEC_HEALTH_REQUEST: Json = JSON.parse('{"requestMetadata":{"kmsRequestId":"4112f4d6-db54-4af4-ae30-c55a22a8dfae","kmsOperation":"CreateCustomKeyStore"}}');
const SPEC_HEALTH_RESPONSE: Json = JSON.parse(
  '{"xksProxyFleetSize":2,"xksProxyVendor":"Acme Corp","xksProxyModel":"Acme XKS Proxy 1.0","ekmVendor":"Thales Group","ekmFleetDetails":[{"id":"hsm-id-1","model":"Luna 5.0","healthStatus":"DEGRADED"},{"id":"hsm-id-2","model":"Luna 5.1","healthStatus":"ACTIVE"}]}',
);
const APPENDIX_D_HEALTH_RESPONSE: Json = JSON.parse(
  '{"xksProxyFleetSize":1,"xksProxyVendor":"Acme","xksProxyModel":"Acme AWS XKS Proxy 1.0","ekmVendor":"Acme","ekmFleetDetails":[{"id":"Id-1","model":"Acme HSM 1.0","healthStatus":"ACTIVE"}]}',
);
const APPENDIX_D_ENCRYPT_RESPONSE: Json = JSON.parse('{"ciphertext":"yhvo7e8vvg3UoCLP","initializationVector":"BejmaUXJA08WzxJZ","authenticationTag":"2wsU/8i0OvB7JJkDJeiWSQ=="}');
const SPEC_METADATA_RESPONSE: Json = { keySpec: "AES_256", keyUsage: ["ENCRYPT", "DECRYPT"], keyStatus: "ENABLED" };

// The AWS test client's request bodies.
const TC_METADATA = {
  awsPrincipalArn: "arn:aws:iam::123456789012:user/Alice",
  kmsKeyArn: "arn:aws:kms:us-east-2:123456789012:/key/1234abcd-12ab-34cd-56ef-1234567890ab",
  kmsRequestId: "0b0a2b8c-7f4e-4a0e-9a59-6c3c7b4d5e6f",
  kmsViaService: "ebs",
};
const TC_ENCRYPT: Json = {
  requestMetadata: { ...TC_METADATA, kmsOperation: "Encrypt" },
  plaintext: "cGxhaW50ZXh0Cg==",
  encryptionAlgorithm: "AES_GCM",
  additionalAuthenticatedData: "cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n",
};
const TC_DECRYPT: Json = {
  requestMetadata: { ...TC_METADATA, kmsOperation: "Decrypt" },
  ciphertext: "D2e6d6rFlXT/LfOq",
  initializationVector: "AAECAwQFBgcICQoL",
  authenticationTag: "z16Jpi+YEVrPfy7xOkRNVw==",
  encryptionAlgorithm: "AES_GCM",
  additionalAuthenticatedData: "cHJvamVjdD1ibHVlLGRlcGFydG1lbnQ9ZmluYW5jZQ==",
};
const TC_HEALTH: Json = { requestMetadata: { kmsOperation: "KmsHealthCheck", kmsRequestId: TC_METADATA.kmsRequestId } };
const TC_METADATA_REQUEST: Json = { requestMetadata: { ...TC_METADATA, kmsOperation: "DescribeKey" } };

const without = (body: Json, key: string): Json => Object.fromEntries(Object.entries(body).filter(([k]) => k !== key));
const withMetadata = (body: Json, extra: Json): Json => ({ ...body, requestMetadata: { ...(body.requestMetadata as Json), ...extra } });

interface Case {
  name: string;
  schema: z.ZodType;
  body: unknown;
}
interface BadCase extends Case {
  /** The field describeIssues() must name. */
  field: string;
}

const accepted: Case[] = [
  { name: "spec Encrypt request", schema: EncryptRequest, body: SPEC_ENCRYPT_REQUEST },
  { name: "spec Decrypt request", schema: DecryptRequest, body: SPEC_DECRYPT_REQUEST },
  { name: "spec GetKeyMetadata request", schema: MetadataRequest, body: SPEC_METADATA_REQUEST },
  { name: "spec GetHealthStatus request", schema: HealthRequest, body: SPEC_HEALTH_REQUEST },
  { name: "TC Encrypt request", schema: EncryptRequest, body: TC_ENCRYPT },
  { name: "TC Encrypt request without AAD", schema: EncryptRequest, body: without(TC_ENCRYPT, "additionalAuthenticatedData") },
  { name: "TC Encrypt request with CDIV", schema: EncryptRequest, body: { ...TC_ENCRYPT, ciphertextDataIntegrityValueAlgorithm: "SHA_256" } },
  { name: "TC Decrypt request", schema: DecryptRequest, body: TC_DECRYPT },
  { name: "TC Decrypt request with ciphertextMetadata", schema: DecryptRequest, body: { ...TC_DECRYPT, ciphertextMetadata: "a2V5X3ZlcnNpb249MQ==" } },
  { name: "TC GetHealthStatus request", schema: HealthRequest, body: TC_HEALTH },
  { name: "TC GetKeyMetadata request (DescribeKey, kmsKeyArn, kmsViaService)", schema: MetadataRequest, body: TC_METADATA_REQUEST },
  { name: "Decrypt with a 16-byte IV", schema: DecryptRequest, body: { ...TC_DECRYPT, initializationVector: b64(16) } },
  { name: "Decrypt with 20 bytes of ciphertextMetadata", schema: DecryptRequest, body: { ...TC_DECRYPT, ciphertextMetadata: b64(20) } },
  { name: "Decrypt with an empty AAD", schema: DecryptRequest, body: { ...TC_DECRYPT, additionalAuthenticatedData: "" } },
  { name: "Encrypt with 2048-char ARNs", schema: EncryptRequest, body: withMetadata(TC_ENCRYPT, { awsPrincipalArn: `arn:${"a".repeat(2044)}`, kmsKeyArn: `arn:${"k".repeat(2044)}` }) },
  { name: "Encrypt with VPC fields", schema: EncryptRequest, body: withMetadata(TC_ENCRYPT, { awsSourceVpc: "vpc-123", awsSourceVpce: "vpce-456" }) },
  // Spec Appendix B: unknown requestMetadata fields are ignored; its requestMetadata section: an unknown kmsOperation must not fail validation.
  { name: "Encrypt with unknown requestMetadata fields", schema: EncryptRequest, body: withMetadata(TC_ENCRYPT, { sourceIdentity: "x", tags: { a: 1 } }) },
  { name: "Decrypt with unknown requestMetadata fields", schema: DecryptRequest, body: withMetadata(TC_DECRYPT, { nitroAttestation: "AAAA" }) },
  { name: "health with unknown requestMetadata fields", schema: HealthRequest, body: withMetadata(TC_HEALTH, { futureField: true }) },
  { name: "Encrypt with an unknown kmsOperation", schema: EncryptRequest, body: withMetadata(TC_ENCRYPT, { kmsOperation: "SomeFutureOperation" }) },
  { name: "health with an unknown kmsOperation", schema: HealthRequest, body: withMetadata(TC_HEALTH, { kmsOperation: "SomeFutureHealthProbe" }) },
  { name: "Encrypt with an unknown top-level field", schema: EncryptRequest, body: { ...TC_ENCRYPT, somethingNew: 1 } },
  { name: "spec Encrypt response", schema: EncryptResponse, body: SPEC_ENCRYPT_RESPONSE },
  { name: "Appendix D Encrypt response", schema: EncryptResponse, body: APPENDIX_D_ENCRYPT_RESPONSE },
  { name: "spec Decrypt response", schema: DecryptResponse, body: { plaintext: "SGVsbG8gV29ybGQh" } },
  { name: "error body", schema: ErrorResponse, body: { errorName: "InvalidCiphertextException", errorMessage: "..." } },
  { name: "error body without errorMessage", schema: ErrorResponse, body: { errorName: "ValidationException" } },
];

const requestRejected: BadCase[] = [
  { name: "Encrypt without requestMetadata", schema: EncryptRequest, body: without(TC_ENCRYPT, "requestMetadata"), field: "requestMetadata" },
  { name: "Encrypt with empty requestMetadata", schema: EncryptRequest, body: { ...TC_ENCRYPT, requestMetadata: {} }, field: "requestMetadata.kmsRequestId" },
  { name: "Encrypt without kmsKeyArn", schema: EncryptRequest, body: { ...TC_ENCRYPT, requestMetadata: without(TC_ENCRYPT.requestMetadata as Json, "kmsKeyArn") }, field: "kmsKeyArn" },
  { name: "Encrypt without awsPrincipalArn", schema: EncryptRequest, body: { ...TC_ENCRYPT, requestMetadata: without(TC_ENCRYPT.requestMetadata as Json, "awsPrincipalArn") }, field: "awsPrincipalArn" },
  { name: "Encrypt with a numeric kmsRequestId", schema: EncryptRequest, body: withMetadata(TC_ENCRYPT, { kmsRequestId: 42 }), field: "kmsRequestId" },
  { name: "Encrypt without plaintext (TC #16)", schema: EncryptRequest, body: without(TC_ENCRYPT, "plaintext"), field: "plaintext" },
  { name: "Encrypt with encryptionAlgorithm AES_CBC", schema: EncryptRequest, body: { ...TC_ENCRYPT, encryptionAlgorithm: "AES_CBC" }, field: "encryptionAlgorithm" },
  { name: "Encrypt with lowercase aes_gcm", schema: EncryptRequest, body: { ...TC_ENCRYPT, encryptionAlgorithm: "aes_gcm" }, field: "encryptionAlgorithm" },
  { name: "Encrypt without encryptionAlgorithm", schema: EncryptRequest, body: without(TC_ENCRYPT, "encryptionAlgorithm"), field: "encryptionAlgorithm" },
  { name: "Encrypt with CDIV algorithm SHA_512", schema: EncryptRequest, body: { ...TC_ENCRYPT, ciphertextDataIntegrityValueAlgorithm: "SHA_512" }, field: "ciphertextDataIntegrityValueAlgorithm" },
  { name: "Encrypt with plaintext missing its padding", schema: EncryptRequest, body: { ...TC_ENCRYPT, plaintext: "cGxhaW50ZXh0Cg" }, field: "plaintext" },
  { name: "Encrypt with URL-safe AAD", schema: EncryptRequest, body: { ...TC_ENCRYPT, additionalAuthenticatedData: "-_-_" }, field: "additionalAuthenticatedData" },
  { name: "Encrypt with a numeric plaintext", schema: EncryptRequest, body: { ...TC_ENCRYPT, plaintext: 123 }, field: "plaintext" },
  { name: "Decrypt without requestMetadata", schema: DecryptRequest, body: without(TC_DECRYPT, "requestMetadata"), field: "requestMetadata" },
  { name: "Decrypt with empty requestMetadata", schema: DecryptRequest, body: { ...TC_DECRYPT, requestMetadata: {} }, field: "requestMetadata" },
  { name: "Decrypt with an 11-byte IV", schema: DecryptRequest, body: { ...TC_DECRYPT, initializationVector: b64(11) }, field: "initializationVector" },
  { name: "Decrypt with a 13-byte IV", schema: DecryptRequest, body: { ...TC_DECRYPT, initializationVector: b64(13) }, field: "initializationVector" },
  { name: "Decrypt with a 15-byte tag", schema: DecryptRequest, body: { ...TC_DECRYPT, authenticationTag: b64(15) }, field: "authenticationTag" },
  { name: "Decrypt with a 17-byte tag", schema: DecryptRequest, body: { ...TC_DECRYPT, authenticationTag: b64(17) }, field: "authenticationTag" },
  { name: "Decrypt with 21 bytes of ciphertextMetadata", schema: DecryptRequest, body: { ...TC_DECRYPT, ciphertextMetadata: b64(21) }, field: "ciphertextMetadata" },
  { name: "Decrypt with non-canonical ciphertext (QR==)", schema: DecryptRequest, body: { ...TC_DECRYPT, ciphertext: "QR==" }, field: "ciphertext" },
  { name: "Decrypt with whitespace in the tag", schema: DecryptRequest, body: { ...TC_DECRYPT, authenticationTag: "z16Jpi+YEVrPfy7xOkRNVw==\n" }, field: "authenticationTag" },
  { name: "Decrypt with encryptionAlgorithm AES_CBC", schema: DecryptRequest, body: { ...TC_DECRYPT, encryptionAlgorithm: "AES_CBC" }, field: "encryptionAlgorithm" },
  { name: "Decrypt without the tag", schema: DecryptRequest, body: without(TC_DECRYPT, "authenticationTag"), field: "authenticationTag" },
  { name: "Decrypt without the IV", schema: DecryptRequest, body: without(TC_DECRYPT, "initializationVector"), field: "initializationVector" },
  { name: "Decrypt without the ciphertext", schema: DecryptRequest, body: without(TC_DECRYPT, "ciphertext"), field: "ciphertext" },
  // docs/spec-notes.md, "Health requests are validated"; test-client tests 2, 3, 9 and 10: health and metadata need requestMetadata too.
  { name: "health body {} (TC #2)", schema: HealthRequest, body: {}, field: "requestMetadata" },
  { name: "health with empty requestMetadata (TC #3)", schema: HealthRequest, body: { requestMetadata: {} }, field: "requestMetadata" },
  { name: "health without kmsOperation", schema: HealthRequest, body: { requestMetadata: { kmsRequestId: "x" } }, field: "kmsOperation" },
  { name: "metadata body {} (TC #9)", schema: MetadataRequest, body: {}, field: "requestMetadata" },
  { name: "metadata with empty requestMetadata (TC #10)", schema: MetadataRequest, body: { requestMetadata: {} }, field: "awsPrincipalArn" },
  { name: "a JSON array instead of an object", schema: HealthRequest, body: [], field: "requestMetadata" },
];

const fleet = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `hsm-${i}`, model: "Luna 7", healthStatus: "ACTIVE" }));
const health = (patch: Json): Json => ({ ...SPEC_HEALTH_RESPONSE, ...patch });

const healthAccepted: Case[] = [
  { name: "spec example", schema: HealthResponse, body: SPEC_HEALTH_RESPONSE },
  { name: "Appendix D sample", schema: HealthResponse, body: APPENDIX_D_HEALTH_RESPONSE },
  { name: "10 ekmFleetDetails", schema: HealthResponse, body: health({ ekmFleetDetails: fleet(10) }) },
  { name: "every entry UNAVAILABLE (valid shape; KMS then says unreachable)", schema: HealthResponse, body: health({ ekmFleetDetails: [{ id: "a", model: "m", healthStatus: "UNAVAILABLE" }] }) },
];

const healthRejected: BadCase[] = [
  { name: "fleet size 0", schema: HealthResponse, body: health({ xksProxyFleetSize: 0 }), field: "xksProxyFleetSize" },
  { name: "fleet size -1", schema: HealthResponse, body: health({ xksProxyFleetSize: -1 }), field: "xksProxyFleetSize" },
  { name: "fleet size 1.5", schema: HealthResponse, body: health({ xksProxyFleetSize: 1.5 }), field: "xksProxyFleetSize" },
  { name: 'fleet size "2"', schema: HealthResponse, body: health({ xksProxyFleetSize: "2" }), field: "xksProxyFleetSize" },
  { name: "fleet size missing", schema: HealthResponse, body: without(SPEC_HEALTH_RESPONSE, "xksProxyFleetSize"), field: "xksProxyFleetSize" },
  { name: "0 ekmFleetDetails", schema: HealthResponse, body: health({ ekmFleetDetails: [] }), field: "ekmFleetDetails" },
  { name: "11 ekmFleetDetails", schema: HealthResponse, body: health({ ekmFleetDetails: fleet(11) }), field: "ekmFleetDetails" },
  { name: "healthStatus HEALTHY", schema: HealthResponse, body: health({ ekmFleetDetails: [{ id: "a", model: "m", healthStatus: "HEALTHY" }] }), field: "ekmFleetDetails.0.healthStatus" },
  { name: "healthStatus lowercase active", schema: HealthResponse, body: health({ ekmFleetDetails: [{ id: "a", model: "m", healthStatus: "active" }] }), field: "healthStatus" },
  { name: "xksProxyVendor missing", schema: HealthResponse, body: without(SPEC_HEALTH_RESPONSE, "xksProxyVendor"), field: "xksProxyVendor" },
  { name: "ekmVendor missing", schema: HealthResponse, body: without(SPEC_HEALTH_RESPONSE, "ekmVendor"), field: "ekmVendor" },
];

const usages = (n: number) => ["ENCRYPT", "DECRYPT", "SIGN", "VERIFY", "WRAP", "UNWRAP", "DERIVE", "X1", "X2", "X3", "X4"].slice(0, n);

const metadataAccepted: Case[] = [
  { name: "MetadataResponse: spec example", schema: MetadataResponse, body: SPEC_METADATA_RESPONSE },
  { name: "UsableKeyMetadata: spec example", schema: UsableKeyMetadata, body: SPEC_METADATA_RESPONSE },
  { name: "MetadataResponse: REF's RSA_1024 (shape only)", schema: MetadataResponse, body: { ...SPEC_METADATA_RESPONSE, keySpec: "RSA_1024" } },
  { name: "MetadataResponse: DISABLED", schema: MetadataResponse, body: { ...SPEC_METADATA_RESPONSE, keyStatus: "DISABLED" } },
  { name: "MetadataResponse: 10 usages", schema: MetadataResponse, body: { ...SPEC_METADATA_RESPONSE, keyUsage: usages(10) } },
  { name: "UsableKeyMetadata: 10 usages incl. ENCRYPT and DECRYPT", schema: UsableKeyMetadata, body: { ...SPEC_METADATA_RESPONSE, keyUsage: usages(10) } },
];

const metadataRejected: BadCase[] = [
  { name: "UsableKeyMetadata: keySpec RSA_0", schema: UsableKeyMetadata, body: { ...SPEC_METADATA_RESPONSE, keySpec: "RSA_0" }, field: "keySpec" },
  { name: "UsableKeyMetadata: keySpec RSA_1024", schema: UsableKeyMetadata, body: { ...SPEC_METADATA_RESPONSE, keySpec: "RSA_1024" }, field: "keySpec" },
  { name: "UsableKeyMetadata: no DECRYPT", schema: UsableKeyMetadata, body: { ...SPEC_METADATA_RESPONSE, keyUsage: ["ENCRYPT"] }, field: "keyUsage" },
  { name: "UsableKeyMetadata: lowercase usages", schema: UsableKeyMetadata, body: { ...SPEC_METADATA_RESPONSE, keyUsage: ["encrypt", "decrypt"] }, field: "keyUsage" },
  { name: "UsableKeyMetadata: DISABLED", schema: UsableKeyMetadata, body: { ...SPEC_METADATA_RESPONSE, keyStatus: "DISABLED" }, field: "keyStatus" },
  { name: "MetadataResponse: 11 usages", schema: MetadataResponse, body: { ...SPEC_METADATA_RESPONSE, keyUsage: usages(11) }, field: "keyUsage" },
  { name: "UsableKeyMetadata: 11 usages", schema: UsableKeyMetadata, body: { ...SPEC_METADATA_RESPONSE, keyUsage: usages(11) }, field: "keyUsage" },
  { name: "MetadataResponse: keyStatus PENDING", schema: MetadataResponse, body: { ...SPEC_METADATA_RESPONSE, keyStatus: "PENDING" }, field: "keyStatus" },
  { name: "MetadataResponse: keyUsage a string", schema: MetadataResponse, body: { ...SPEC_METADATA_RESPONSE, keyUsage: "ENCRYPT" }, field: "keyUsage" },
];

const responseRejected: BadCase[] = [
  { name: "EncryptResponse: 31-byte CDIV", schema: EncryptResponse, body: { ...SPEC_ENCRYPT_RESPONSE, ciphertextDataIntegrityValue: b64(31) }, field: "ciphertextDataIntegrityValue" },
  { name: "EncryptResponse: 21 bytes of ciphertextMetadata", schema: EncryptResponse, body: { ...SPEC_ENCRYPT_RESPONSE, ciphertextMetadata: b64(21) }, field: "ciphertextMetadata" },
  { name: "EncryptResponse: 8-byte IV", schema: EncryptResponse, body: { ...SPEC_ENCRYPT_RESPONSE, initializationVector: b64(8) }, field: "initializationVector" },
  { name: "EncryptResponse: tag appended to ciphertext, no tag field", schema: EncryptResponse, body: without(SPEC_ENCRYPT_RESPONSE, "authenticationTag"), field: "authenticationTag" },
  { name: "DecryptResponse: missing plaintext", schema: DecryptResponse, body: {}, field: "plaintext" },
  { name: "ErrorResponse: missing errorName", schema: ErrorResponse, body: { errorMessage: "x" }, field: "errorName" },
];

describe("schemas accept", () => {
  it.each([...accepted, ...healthAccepted, ...metadataAccepted])("$name", ({ schema, body }) => {
    const r = schema.safeParse(body);
    expect(r.success ? "" : describeIssues(r.error)).toBe("");
  });
});

describe("schemas reject, and describeIssues names the field", () => {
  it.each([...requestRejected, ...healthRejected, ...metadataRejected, ...responseRejected])("$name", ({ schema, body, field }) => {
    const r = schema.safeParse(body);
    expect(r.success).toBe(false);
    if (r.success) return;
    const text = describeIssues(r.error);
    expect(text).toContain(field);
    expect(text).not.toContain("\n");
  });
});

describe("describeIssues", () => {
  it("joins every issue on one line, without repeating a path the message already starts with", () => {
    const r = DecryptRequest.safeParse({ ...TC_DECRYPT, initializationVector: b64(11), authenticationTag: b64(15) });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(describeIssues(r.error)).toBe(
      "initializationVector decodes to 11 bytes; it must be 12 or 16 bytes; authenticationTag decodes to 15 bytes; it must be 16 bytes",
    );
  });

  it("prefixes nested paths", () => {
    const r = HealthRequest.safeParse({ requestMetadata: {} });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(describeIssues(r.error)).toBe(
      "requestMetadata.kmsRequestId: kmsRequestId must be a string; requestMetadata.kmsOperation: kmsOperation must be a string",
    );
  });

  it("never echoes the plaintext of a rejected request", () => {
    const plaintext = "U2VjcmV0UGxhaW50ZXh0";
    const r = EncryptRequest.safeParse({ ...TC_ENCRYPT, plaintext, encryptionAlgorithm: "NOPE" });
    expect(r.success).toBe(false);
    if (!r.success) expect(describeIssues(r.error)).not.toContain(plaintext);
  });
});
