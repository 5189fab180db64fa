/**
 * @module kms/encryption-context
 * The AAD the local KMS sends the proxy for an EncryptionContext: its canonical JSON (keys sorted), so the same
 * context always gives the same bytes and any difference makes decryption fail.
 */
import { z } from "zod";

export const EncryptionContext = z.record(z.string(), z.string()).optional();

export function contextAad(ec: Record<string, string> | undefined): Buffer {
  const sorted = Object.keys(ec ?? {})
    .sort()
    .map((k) => [k, ec![k]]);
  return Buffer.from(JSON.stringify(sorted), "utf8");
}
