/**
 * @module bench/signed-requests
 * Encrypt requests signed ahead of the run, so the load generator's CPU goes to I/O, not to HMACs. Each
 * has its own kmsRequestId and plaintext; replaying them within the run is what KMS's signatures allow
 * (a proxy accepts an X-Amz-Date up to 5 minutes old, spec Appendix A).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { DEFAULT_KMS_KEY_ARN, DEFAULT_PRINCIPAL } from "../src/client/index.js";
import { PUBLIC_TEST_CREDENTIAL } from "../src/proxy/config-schema.js";
import { signXksRequest, ENCRYPTION_ALGORITHM } from "../src/xks/index.js";

export const PLAINTEXT_BYTES = 512;
export const AAD_BYTES = 64;
/** @default region the bench signs for; the default config allows any. */
const BENCH_REGION = "us-east-1";

export interface SignedRequest {
  path: string;
  /** Flat [name, value, ...] list, the cheapest form undici takes. */
  headers: string[];
  body: Buffer;
}

interface SignRequestsOptions {
  /** host[:port] as sent in the Host header (signed). */
  host: string;
  path: string;
  count: number;
  /** @default new Date() */
  date?: Date;
}

export function signEncryptRequests(o: SignRequestsOptions): SignedRequest[] {
  const date = o.date ?? new Date();
  return Array.from({ length: o.count }, () => {
    const text = JSON.stringify({
      requestMetadata: { awsPrincipalArn: DEFAULT_PRINCIPAL, kmsKeyArn: DEFAULT_KMS_KEY_ARN, kmsOperation: "Encrypt", kmsRequestId: randomUUID() },
      plaintext: randomBytes(PLAINTEXT_BYTES).toString("base64"),
      additionalAuthenticatedData: randomBytes(AAD_BYTES).toString("base64"),
      encryptionAlgorithm: ENCRYPTION_ALGORITHM,
    });
    const signed = signXksRequest({ host: o.host, path: o.path, body: text, region: BENCH_REGION, credential: PUBLIC_TEST_CREDENTIAL, date });
    return {
      path: o.path,
      headers: ["host", signed.host, "content-type", signed["content-type"], "x-amz-date", signed["x-amz-date"], "authorization", signed.authorization],
      body: Buffer.from(text, "utf8"),
    };
  });
}
