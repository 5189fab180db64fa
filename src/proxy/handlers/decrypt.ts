/** @module proxy/handlers/decrypt — Decrypt (spec "Decrypt"). */
import { gcmDecrypt } from "../../xks/aes-gcm.js";
import { XksError } from "../../xks/errors.js";
import { DecryptRequest, type DecryptResponse } from "../../xks/schemas.js";
import type { RequestContext } from "../request-context.js";
import { keyForCrypto } from "./key-access.js";
import { parseBody } from "./parse-body.js";

export function decrypt(body: unknown, ctx: RequestContext): DecryptResponse {
  const request = parseBody(DecryptRequest, body);
  const key = keyForCrypto(ctx, request.requestMetadata, { dataName: "ciphertext", data: request.ciphertext, aad: request.additionalAuthenticatedData }, "DECRYPT");
  const plaintext = gcmDecrypt(
    key.material,
    request.initializationVector,
    { ciphertext: request.ciphertext, tag: request.authenticationTag },
    { aad: ctx.mutations.has("ignore-aad") ? undefined : request.additionalAuthenticatedData, ciphertextMetadata: request.ciphertextMetadata },
  );
  // Any tampering with ciphertext, IV, tag, AAD or ciphertextMetadata lands here: the framing binds them all.
  if (!plaintext) throw new XksError("InvalidCiphertextException", "ciphertext, IV, tag, AAD or ciphertextMetadata does not authenticate");
  return { plaintext: plaintext.toString("base64") };
}
