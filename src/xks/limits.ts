/**
 * @module xks/limits
 * Sizes the spec fixes (spec "Encrypt", "Decrypt", "GetKeyMetadata", "GetHealthStatus", "URI shape").
 * Minimums are what every proxy MUST accept; maximums are what a response may carry.
 */
export const XKS_LIMITS = {
  /** A proxy must handle at least this much plaintext (decoded bytes). */
  minSupportedPlaintextBytes: 4300,
  /** A proxy must handle at least this much AAD (decoded bytes). */
  minSupportedAadBytes: 8192,
  /** The AAD framing stores the AAD length in two bytes (spec "ciphertextMetadata"). */
  maxFramedAadBytes: 0xffff,
  /** ARNs in requestMetadata can be this long and must be accepted. */
  maxArnChars: 2048,
  /** ciphertextMetadata, decoded. KMS rejects more. */
  maxCiphertextMetadataBytes: 20,
  /** GetKeyMetadata keyUsage entries. */
  maxKeyUsageEntries: 10,
  /** GetHealthStatus ekmFleetDetails entries. */
  minFleetDetails: 1,
  maxFleetDetails: 10,
  /** AES-GCM IV lengths a proxy may return / must accept. */
  ivBytes: [12, 16] as readonly number[],
  /** AES-GCM authentication tag length. */
  tagBytes: 16,
  /** AES-256 key length. */
  keyBytes: 32,
  /** SHA-256 digest length (CDIV). */
  cdivBytes: 32,
  /** errorMessage must be shorter than this and printable ASCII (0x20-0x7E). */
  maxErrorMessageChars: 511,
  /** Whole request URI. */
  maxUriChars: 256,
  /** externalKeyId. */
  maxExternalKeyIdChars: 128,
} as const;

/** A rule on the decoded length of a Base64 field, and how it reads in a message ("… must be <rule>"). */
export interface ByteLengthRule {
  ok(bytes: number): boolean;
  rule: string;
}

/**
 * The decoded sizes the spec fixes for the Base64 fields of Encrypt and Decrypt. Package-free, so one statement
 * serves the zod request schemas (schemas.ts) and the answer verifier (answers.ts), which the Artillery processor
 * runs and so may not import zod.
 */
export const XKS_BYTE_RULES = {
  initializationVector: { ok: (n) => XKS_LIMITS.ivBytes.includes(n), rule: `${XKS_LIMITS.ivBytes.join(" or ")} bytes` },
  authenticationTag: { ok: (n) => n === XKS_LIMITS.tagBytes, rule: `${XKS_LIMITS.tagBytes} bytes` },
  ciphertextMetadata: { ok: (n) => n <= XKS_LIMITS.maxCiphertextMetadataBytes, rule: `at most ${XKS_LIMITS.maxCiphertextMetadataBytes} bytes` },
  ciphertextDataIntegrityValue: { ok: (n) => n === XKS_LIMITS.cdivBytes, rule: `${XKS_LIMITS.cdivBytes} bytes` },
} as const satisfies Record<string, ByteLengthRule>;
