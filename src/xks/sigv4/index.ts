/** @module xks/sigv4 */
export { formatAmzDate, parseAmzDate, isFresh } from "./amz-date.js";
export { parseAuthorization, type ParsedAuthorization } from "./authorization-header.js";
export { canonicalRequest, credentialScope, stringToSign, signingKey, signatureHex, sha256Hex } from "./canonical-request.js";
export { SigningKeyCache } from "./signing-key-cache.js";
export { signXksRequest, type SignOptions, type SignedHeaders, type XksCredential } from "./sign.js";
export { verifySigV4, type IncomingSignedRequest, type VerifyOptions, type VerifyResult } from "./verify.js";
