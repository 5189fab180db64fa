/**
 * @module xks
 * The XKS Proxy API v1 in one place: constants, limits, error table, schemas, AAD framing, CDIV,
 * AES-GCM and SigV4. Pure: no network, no disk, no clock.
 */
export * as constants from "./constants.js";
export { XKS_LIMITS } from "./limits.js";
export { XKS_ERRORS, XKS_ERROR_NAMES, XksError, isXksErrorName, toErrorMessage, isValidErrorMessage, type XksErrorName } from "./errors.js";
export { decodeBase64, encodeBase64, isBase64, base64DecodedLength } from "./base64.js";
export { frameAad } from "./aad.js";
export { computeCdiv, type CdivInput } from "./cdiv.js";
export { gcmEncrypt, gcmDecrypt } from "./aes-gcm.js";
export { KMS_FIELD_RULES, checkKmsField, formatViolation, type KmsFieldName, type RuleViolation } from "./kms-rules.js";
