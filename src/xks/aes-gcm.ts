/**
 * @module xks/aes-gcm
 * AES-256-GCM as an XKS proxy applies it: the spec's AAD framing, the tag split from the ciphertext.
 * The IV is an argument, so this stays pure and testable against fixed vectors.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { frameAad } from "./aad.js";
import { XKS_LIMITS } from "./limits.js";

export interface GcmSealed {
  ciphertext: Buffer;
  tag: Buffer;
}

export interface GcmContext {
  aad?: Uint8Array | undefined;
  ciphertextMetadata?: Uint8Array | undefined;
}

export function gcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, ctx: GcmContext = {}): GcmSealed {
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: XKS_LIMITS.tagBytes });
  cipher.setAAD(frameAad(ctx.aad, ctx.ciphertextMetadata));
  const head = cipher.update(plaintext);
  const tail = cipher.final(); // empty for GCM, a stream mode; concatenated only if a future OpenSSL differs
  return { ciphertext: tail.length === 0 ? head : Buffer.concat([head, tail]), tag: cipher.getAuthTag() };
}

/** Returns the plaintext, or undefined when the tag does not verify (tampered or wrong inputs). */
export function gcmDecrypt(key: Uint8Array, iv: Uint8Array, sealed: GcmSealed, ctx: GcmContext = {}): Buffer | undefined {
  // Node throws on these lengths; to a caller they are just inputs that do not authenticate.
  if (sealed.tag.length !== XKS_LIMITS.tagBytes || !XKS_LIMITS.ivBytes.includes(iv.length)) return undefined;
  const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: XKS_LIMITS.tagBytes });
  decipher.setAAD(frameAad(ctx.aad, ctx.ciphertextMetadata));
  decipher.setAuthTag(sealed.tag);
  try {
    const head = decipher.update(sealed.ciphertext);
    const tail = decipher.final();
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    return undefined;
  }
}
