/**
 * @module xks/cdiv
 * Ciphertext Data Integrity Value (spec Appendix C): Base64(SHA-256(AAD ‖ metadata ‖ IV ‖ ciphertext ‖ tag)).
 * No length fields: it only guards against accidental bit flips between proxy and KMS.
 */
import { createHash } from "node:crypto";
import { decodeBase64 } from "./base64.js";
import type { EncryptResponse } from "./schemas.js";

interface CdivInput {
  aad?: Uint8Array | undefined;
  ciphertextMetadata?: Uint8Array | undefined;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  tag: Uint8Array;
}

export function computeCdiv(input: CdivInput): string {
  const hash = createHash("sha256");
  for (const part of [input.aad, input.ciphertextMetadata, input.iv, input.ciphertext, input.tag]) {
    if (part) hash.update(part);
  }
  return hash.digest("base64");
}

/** The CDIV an Encrypt answer (already schema-checked, so its Base64 decodes) must carry for this AAD. */
export function expectedCdiv(response: EncryptResponse, aad: Uint8Array | undefined): string {
  return computeCdiv({
    aad,
    ciphertextMetadata: response.ciphertextMetadata === undefined ? undefined : decodeBase64(response.ciphertextMetadata),
    iv: decodeBase64(response.initializationVector)!,
    ciphertext: decodeBase64(response.ciphertext)!,
    tag: decodeBase64(response.authenticationTag)!,
  });
}
