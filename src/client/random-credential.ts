/**
 * @module client/random-credential
 * A fresh XKS proxy credential that passes KMS's rules (src/xks/kms-rules.ts): a 24-char AccessKeyId of A-Z and
 * 2-7, a 32-byte Base64 secret (44 chars). For demos and tests that need a credential nobody else holds.
 */
import { randomBytes } from "node:crypto";
import type { XksCredential } from "../xks/index.js";

const ACCESS_KEY_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const ACCESS_KEY_ID_CHARS = 24;

/** `prefix` (of the same alphabet, shorter than 24 chars) starts the access key id, so logs show whose it is. */
export function randomXksCredential(prefix = ""): XksCredential {
  const fill = Array.from(randomBytes(ACCESS_KEY_ID_CHARS - prefix.length), (b) => ACCESS_KEY_ID_ALPHABET[b % 32]).join("");
  return { accessKeyId: `${prefix}${fill}`, secretAccessKey: randomBytes(32).toString("base64") };
}
