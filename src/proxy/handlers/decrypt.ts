/** @module proxy/handlers/decrypt — Decrypt (spec "Decrypt"). */
import { gcmDecrypt, XksError, DecryptRequest, type DecryptResponse } from "../../xks/index.js";
import type { RoutedContext } from "../request-context.js";
import { keyForCrypto } from "./key-access.js";
import { parseBody } from "./parse-body.js";

export function decrypt(body: unknown, ctx: RoutedContext): DecryptResponse {
  const request = parseBody(DecryptRequest, body);
  const key = keyForCrypto(ctx, request.requestMetadata, { dataName: "ciphertext", data: request.ciphertext, aad: request.additionalAuthenticatedData }, "DECRYPT");
  const plaintext = gcmDecrypt(
    key.material,
    request.initializationVector,
    { ciphertext: request.ciphertext, tag: request.authenticationTag },
    { aad: ctx.mutate.boundAad(request.additionalAuthenticatedData), ciphertextMetadata: request.ciphertextMetadata },
  );
  // Any tampering with ciphertext, IV, tag, AAD or ciphertextMetadata lands here: the framing binds them all.
  if (!plaintext) throw new XksError("InvalidCiphertextException", "ciphertext, IV, tag, AAD or ciphertextMetadata does not authenticate");
  return { plaintext: ctx.mutate.plaintext(plaintext.toString("base64")) };
}
