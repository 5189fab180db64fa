/**
 * @module xks/schemas
 * Runtime schemas of the four XKS requests and responses (spec "Operations"). Requests are checked the
 * way a proxy must (unknown fields ignored, unknown kmsOperation accepted); responses the way KMS reads them.
 */
import { z } from "zod";
import { decodeBase64 } from "./base64.js";
import { AES_256_KEY_SPEC, CDIV_ALGORITHM, ENCRYPTION_ALGORITHM } from "./constants.js";
import { type ByteLengthRule, XKS_BYTE_RULES, XKS_LIMITS } from "./limits.js";
import { issueText } from "./issue-words.js";

/** Canonical standard Base64 whose decoded length passes `size` (XKS_BYTE_RULES). */
function base64(what: string, size?: ByteLengthRule) {
  return z.string({ error: `${what} must be a Base64 string` }).superRefine((text, ctx) => {
    const bytes = decodeBase64(text);
    if (!bytes) ctx.addIssue({ code: "custom", message: `${what} is not canonical standard Base64 (RFC 4648 §4, with padding)` });
    else if (size && !size.ok(bytes.length)) ctx.addIssue({ code: "custom", message: `${what} decodes to ${bytes.length} bytes; it must be ${size.rule}` });
  });
}

/** Like base64(), but yields the decoded bytes: a request's Base64 is decoded once, where it is checked. */
function base64Bytes(what: string, size?: ByteLengthRule) {
  return z.string({ error: `${what} must be a Base64 string` }).transform((text, ctx) => {
    const bytes = decodeBase64(text);
    if (!bytes) ctx.addIssue({ code: "custom", message: `${what} is not canonical standard Base64 (RFC 4648 §4, with padding)` });
    else if (size && !size.ok(bytes.length)) ctx.addIssue({ code: "custom", message: `${what} decodes to ${bytes.length} bytes; it must be ${size.rule}` });
    return bytes ?? Buffer.alloc(0);
  });
}

const str = (what: string) => z.string({ error: `${what} must be a string` });

// requestMetadata: unknown fields are ignored (spec Appendix B), nothing is validated beyond presence and type.
const metadataObject = <S extends z.ZodRawShape>(shape: S) =>
  z.object(shape, { error: (issue) => (issue.input === undefined ? "requestMetadata is required" : "requestMetadata must be an object") });
const healthMetadataShape = { kmsRequestId: str("kmsRequestId"), kmsOperation: str("kmsOperation") };
const keyMetadataShape = {
  ...healthMetadataShape,
  awsPrincipalArn: str("awsPrincipalArn"),
  kmsKeyArn: str("kmsKeyArn").optional(),
  awsSourceVpc: str("awsSourceVpc").optional(),
  awsSourceVpce: str("awsSourceVpce").optional(),
  kmsViaService: str("kmsViaService").optional(),
};
const HealthRequestMetadata = metadataObject(healthMetadataShape);
const KeyRequestMetadata = metadataObject(keyMetadataShape);
const CryptoRequestMetadata = metadataObject({ ...keyMetadataShape, kmsKeyArn: str("kmsKeyArn") });

const metadataField = <T extends z.ZodType>(schema: T) => z.object({ requestMetadata: schema }, { error: "the request body must be a JSON object with requestMetadata" });

export const HealthRequest = metadataField(HealthRequestMetadata);
export const MetadataRequest = metadataField(KeyRequestMetadata);

const algorithm = z.literal(ENCRYPTION_ALGORITHM, { error: `encryptionAlgorithm must be "${ENCRYPTION_ALGORITHM}"` });

/** Requests parse to bytes (the proxy works on them); responses below stay strings (clients compare them). */
export const EncryptRequest = z.object({
  requestMetadata: CryptoRequestMetadata,
  plaintext: base64Bytes("plaintext"),
  encryptionAlgorithm: algorithm,
  additionalAuthenticatedData: base64Bytes("additionalAuthenticatedData").optional(),
  ciphertextDataIntegrityValueAlgorithm: z
    .literal(CDIV_ALGORITHM, { error: `ciphertextDataIntegrityValueAlgorithm must be "${CDIV_ALGORITHM}"` })
    .optional(),
});

export const DecryptRequest = z.object({
  requestMetadata: CryptoRequestMetadata,
  ciphertext: base64Bytes("ciphertext"),
  ciphertextMetadata: base64Bytes("ciphertextMetadata", XKS_BYTE_RULES.ciphertextMetadata).optional(),
  encryptionAlgorithm: algorithm,
  additionalAuthenticatedData: base64Bytes("additionalAuthenticatedData").optional(),
  initializationVector: base64Bytes("initializationVector", XKS_BYTE_RULES.initializationVector),
  authenticationTag: base64Bytes("authenticationTag", XKS_BYTE_RULES.authenticationTag),
});

export const KEY_STATUSES = ["ENABLED", "DISABLED"] as const;
export const HEALTH_STATUSES = ["ACTIVE", "DEGRADED", "UNAVAILABLE"] as const;

export const HealthResponse = z.object({
  xksProxyFleetSize: z.number().int().positive(),
  xksProxyVendor: z.string(),
  xksProxyModel: z.string(),
  ekmVendor: z.string(),
  ekmFleetDetails: z
    .array(z.object({ id: z.string(), model: z.string(), healthStatus: z.enum(HEALTH_STATUSES) }))
    .min(XKS_LIMITS.minFleetDetails)
    .max(XKS_LIMITS.maxFleetDetails),
});

export const MetadataResponse = z.object({
  keySpec: z.string(),
  keyUsage: z.array(z.string()).max(XKS_LIMITS.maxKeyUsageEntries),
  keyStatus: z.enum(KEY_STATUSES),
});

/** What KMS additionally demands of a key it binds (CreateKey): AES_256, ENCRYPT and DECRYPT, ENABLED. */
export const UsableKeyMetadata = MetadataResponse.extend({
  keySpec: z.literal(AES_256_KEY_SPEC),
  keyUsage: MetadataResponse.shape.keyUsage.refine((u) => u.includes("ENCRYPT") && u.includes("DECRYPT"), "keyUsage must include ENCRYPT and DECRYPT"),
  keyStatus: z.literal("ENABLED"),
});

export const EncryptResponse = z.object({
  ciphertext: base64("ciphertext"),
  initializationVector: base64("initializationVector", XKS_BYTE_RULES.initializationVector),
  authenticationTag: base64("authenticationTag", XKS_BYTE_RULES.authenticationTag),
  ciphertextMetadata: base64("ciphertextMetadata", XKS_BYTE_RULES.ciphertextMetadata).optional(),
  ciphertextDataIntegrityValue: base64("ciphertextDataIntegrityValue", XKS_BYTE_RULES.ciphertextDataIntegrityValue).optional(),
});

export const DecryptResponse = z.object({ plaintext: base64("plaintext") });

export const ErrorResponse = z.object({ errorName: z.string(), errorMessage: z.string().optional() });

export type HealthRequest = z.infer<typeof HealthRequest>;
export type MetadataRequest = z.infer<typeof MetadataRequest>;
export type EncryptRequest = z.infer<typeof EncryptRequest>;
export type DecryptRequest = z.infer<typeof DecryptRequest>;
export type HealthResponse = z.infer<typeof HealthResponse>;
export type MetadataResponse = z.infer<typeof MetadataResponse>;
export type EncryptResponse = z.infer<typeof EncryptResponse>;
export type DecryptResponse = z.infer<typeof DecryptResponse>;

/** Each bad field with what it must be, one entry per problem, in words (src/xks/issue-words.ts), not zod's. */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map(issueText);
}

/** One line naming each bad field and what it must be: for errorMessage and CLI output. */
export function describeIssues(error: z.ZodError): string {
  return issueLines(error).join("; ");
}
