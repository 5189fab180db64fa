/**
 * @module xks/aad
 * The AAD a proxy hands its key manager when ciphertextMetadata is used (spec "Encrypt",
 * ciphertextMetadata): both lengths are bound, so bytes cannot move between AAD and metadata.
 */
import { XKS_LIMITS } from "./limits.js";

/** `BE16(len aad) ‖ aad ‖ U8(len cm) ‖ cm`; an absent value counts as empty. */
export function frameAad(aad: Uint8Array = new Uint8Array(), metadata: Uint8Array = new Uint8Array()): Buffer {
  if (aad.length > XKS_LIMITS.maxFramedAadBytes) throw new RangeError(`AAD is ${aad.length} bytes; the framing holds at most 65535`);
  if (metadata.length > 0xff) throw new RangeError(`ciphertextMetadata is ${metadata.length} bytes; the framing holds at most 255`);
  // Every byte is written below, so no zero-fill.
  const framed = Buffer.allocUnsafe(2 + aad.length + 1 + metadata.length);
  framed.writeUInt16BE(aad.length, 0);
  framed.set(aad, 2);
  framed.writeUInt8(metadata.length, 2 + aad.length);
  framed.set(metadata, 3 + aad.length);
  return framed;
}
