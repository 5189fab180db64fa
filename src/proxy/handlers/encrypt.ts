/** @module proxy/handlers/encrypt — Encrypt (spec "Encrypt", Appendix C for the CDIV). */
import { gcmDecrypt, gcmEncrypt, computeCdiv, XksError, XKS_LIMITS, EncryptRequest, type EncryptResponse } from "../../xks/index.js";
import { randomIv } from "../random-iv.js";
import type { RoutedContext } from "../request-context.js";
import { keyForCrypto, requireUsage } from "./key-access.js";
import { parseBody } from "./parse-body.js";

/** KMS uses 12-byte IVs (a proxy must also decrypt 16-byte ones). */
const IV_BYTES = XKS_LIMITS.ivBytes[0]!;

export function encrypt(body: unknown, ctx: RoutedContext): EncryptResponse {
  const request = parseBody(EncryptRequest, body);
  const { keystore } = ctx.route;
  const { plaintext, additionalAuthenticatedData: aad } = request;
  const key = keyForCrypto(ctx, request.requestMetadata, { dataName: "plaintext", data: plaintext, aad }, "ENCRYPT");

  const context = { aad: ctx.mutate.boundAad(aad), ciphertextMetadata: keystore.ciphertextMetadata };
  const iv = randomIv(IV_BYTES);
  const sealed = gcmEncrypt(key.material, iv, plaintext, context);

  // The ciphertext sent: the one sealed, but for a mutation (whose CDIV is then computed over what is sent).
  const sent = ctx.mutate.ciphertext(sealed.ciphertext);
  const response: EncryptResponse = {
    ciphertext: sent.toString("base64"),
    initializationVector: ctx.mutate.iv(iv).toString("base64"),
    authenticationTag: sealed.tag.toString("base64"),
  };
  if (keystore.ciphertextMetadata) response.ciphertextMetadata = keystore.ciphertextMetadata.toString("base64");
  if (request.ciphertextDataIntegrityValueAlgorithm) {
    // Spec Appendix C: compute the CDIV first, then prove the output decrypts; the other order could bless
    // data corrupted in between. An encrypt-only key fails the proof with InvalidKeyUsageException (docs/spec-notes.md, "A failed CDIV proof").
    const cdiv = computeCdiv({ aad, ciphertextMetadata: keystore.ciphertextMetadata, iv, ciphertext: sent, tag: sealed.tag });
    requireUsage(key, "DECRYPT");
    const roundTrip = gcmDecrypt(key.material, iv, sealed, context);
    if (!roundTrip?.equals(plaintext)) throw new XksError("InternalException", "verification decrypt of the new ciphertext failed");
    const sentCdiv = ctx.mutate.cdiv(cdiv);
    if (sentCdiv !== undefined) response.ciphertextDataIntegrityValue = sentCdiv;
  }
  return response;
}
