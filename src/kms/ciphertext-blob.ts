/**
 * @module kms/ciphertext-blob
 * The local KMS's opaque CiphertextBlob: which KMS key, and what the proxy returned (IV, tag, ciphertextMetadata,
 * ciphertext), so decrypt can hand them back. Real KMS also wraps the data in its own HSM layer; this emulator
 * keeps only the external layer, which is what an XKS proxy sees.
 *
 *   "XKL1" | keyId (36 ASCII) | u8 ivLen | iv | tag (16) | u8 cmLen | cm | ciphertext
 */
import { XKS_LIMITS } from "../xks/index.js";

const MAGIC = Buffer.from("XKL1", "ascii");
const KEY_ID_CHARS = 36;

interface BlobParts {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertextMetadata?: Buffer | undefined;
  ciphertext: Buffer;
}

export function encodeBlob(p: BlobParts): Buffer {
  const cm = p.ciphertextMetadata ?? Buffer.alloc(0);
  return Buffer.concat([MAGIC, Buffer.from(p.keyId, "ascii"), Buffer.from([p.iv.length]), p.iv, p.tag, Buffer.from([cm.length]), cm, p.ciphertext]);
}

/** Parses a blob, or returns undefined when it is not one of ours (KMS answers InvalidCiphertextException). */
export function decodeBlob(blob: Buffer): BlobParts | undefined {
  let at = 0;
  const take = (n: number) => {
    if (at + n > blob.length) throw new RangeError("short blob");
    const part = blob.subarray(at, at + n);
    at += n;
    return part;
  };
  try {
    if (!take(MAGIC.length).equals(MAGIC)) return undefined;
    const keyId = take(KEY_ID_CHARS).toString("ascii");
    if (!/^[0-9a-f-]{36}$/.test(keyId)) return undefined;
    const iv = take(take(1)[0]!);
    if (!XKS_LIMITS.ivBytes.includes(iv.length)) return undefined;
    const tag = take(XKS_LIMITS.tagBytes);
    const cmLen = take(1)[0]!;
    const cm = cmLen ? take(cmLen) : undefined;
    return { keyId, iv, tag, ciphertextMetadata: cm, ciphertext: blob.subarray(at) };
  } catch {
    return undefined;
  }
}
