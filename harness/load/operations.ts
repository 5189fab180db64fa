/**
 * @module harness/load/operations
 * One request per operation, as KMS sends it: a fresh signature and X-Amz-Date (XksClient signs each call), a
 * unique kmsRequestId, the requestMetadata of the KMS operation behind it, random AAD of the chosen size. And the
 * check of every answer: an encrypt's CDIV must match what it returned, a decrypt must give back the plaintext it
 * was made from (ciphertexts made in the warm-up), metadata and health answers must fit their schemas. A proxy that
 * answers fast but wrong fails the run.
 */
import { randomBytes } from "node:crypto";
import { DEFAULT_PRINCIPAL as DEFAULT_PRINCIPAL_ARN, type XksClient, type XksResponse } from "../../src/client/index.js";
import { CDIV_ALGORITHM, DecryptResponse, describeIssues, EncryptResponse, expectedCdiv, HealthResponse, MetadataResponse } from "../../src/xks/index.js";
import type { LoadOperation } from "./options.js";
import { describeError } from "../../src/error-words.js";
import type { z } from "zod";

/** A ciphertext of the warm-up, with what a decrypt must send and get back. */
export interface Sealed {
  keyId: string;
  plaintext: string;
  aad: string;
  ciphertext: string;
  initializationVector: string;
  authenticationTag: string;
  ciphertextMetadata?: string | undefined;
}

/** KMS's own operations behind each XKS call, taken in turn: a busy store sees all of them. */
export const KMS_OPERATIONS: Record<LoadOperation, readonly string[]> = {
  encrypt: ["Encrypt", "GenerateDataKey", "ReEncrypt"],
  decrypt: ["Decrypt", "ReEncrypt"],
  metadata: ["CreateKey"],
  health: ["KmsHealthCheck"],
};

export interface Call {
  send(): Promise<XksResponse>;
  /** Why the answer (a 200) is wrong, or undefined when it is right. */
  verify(res: XksResponse): string | undefined;
}

export interface CallFactory {
  next(op: LoadOperation, i: number): Call;
}

const b64 = (n: number) => randomBytes(n).toString("base64");
const issues = (r: { success: boolean; error?: z.ZodError }) => (r.error ? describeIssues(r.error) : undefined);

function encryptCall(client: XksClient, keyId: string, plaintextBytes: number, aadBytes: number, kmsOperation: string): Call & { sealed(res: XksResponse): Sealed | undefined } {
  const plaintext = b64(plaintextBytes);
  const aad = aadBytes > 0 ? b64(aadBytes) : "";
  const fields = { plaintext, ...(aad ? { additionalAuthenticatedData: aad } : {}), ciphertextDataIntegrityValueAlgorithm: CDIV_ALGORITHM };
  const parse = (res: XksResponse) => EncryptResponse.safeParse(res.json);
  return {
    send: () => client.encrypt(keyId, fields, { kmsOperation, kmsKeyArn: keyArn(keyId), awsPrincipalArn: DEFAULT_PRINCIPAL_ARN }),
    verify(res) {
      const parsed = parse(res);
      if (!parsed.success) return `encrypt answer: ${issues(parsed)}`;
      const want = expectedCdiv(parsed.data, aad ? Buffer.from(aad, "base64") : undefined);
      return parsed.data.ciphertextDataIntegrityValue === want ? undefined : "encrypt answer: ciphertextDataIntegrityValue does not match the ciphertext returned";
    },
    sealed(res) {
      const parsed = parse(res);
      if (!parsed.success) return undefined;
      const d = parsed.data;
      return { keyId, plaintext, aad, ciphertext: d.ciphertext, initializationVector: d.initializationVector, authenticationTag: d.authenticationTag, ciphertextMetadata: d.ciphertextMetadata };
    },
  };
}

/** A KMS key ARN for an external key id, so each key's calls carry an ARN of their own. */
export function keyArn(keyId: string): string {
  const hex = Buffer.from(keyId).toString("hex").padEnd(32, "0").slice(0, 32);
  return `arn:aws:kms:us-east-1:123456789012:key/${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Encrypts `count` plaintexts per key (in small batches) for the decrypts to use; fails on any wrong answer. */
export async function warmUp(client: XksClient, keyIds: string[], count: number, plaintextBytes: number, aadBytes: number): Promise<Sealed[]> {
  const sealed: Sealed[] = [];
  for (const keyId of keyIds) {
    for (let done = 0; done < count; done += 10) {
      const batch = Array.from({ length: Math.min(10, count - done) }, () => encryptCall(client, keyId, plaintextBytes, aadBytes, "GenerateDataKey"));
      for (const call of batch) {
        const res = await call.send().catch((err: unknown) => {
          throw new Error(`warm-up encrypt with key ${keyId} failed: ${describeError(err, { flag: "--endpoint", service: "the proxy" })}`);
        });
        if (res.status !== 200) throw new Error(`warm-up encrypt with key ${keyId}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
        const wrong = call.verify(res);
        if (wrong) throw new Error(`warm-up with key ${keyId}: ${wrong}`);
        sealed.push(call.sealed(res)!);
      }
    }
  }
  return sealed;
}

export function callFactory(client: XksClient, keyIds: string[], sealed: Sealed[], o: { plaintextBytes: number; aadBytes: number }): CallFactory {
  const kmsOp = (op: LoadOperation, i: number) => KMS_OPERATIONS[op][i % KMS_OPERATIONS[op].length]!;
  const key = (i: number) => keyIds[i % keyIds.length]!;
  return {
    next(op, i) {
      if (op === "encrypt") return encryptCall(client, key(i), o.plaintextBytes, o.aadBytes, kmsOp(op, i));
      if (op === "decrypt") {
        const s = sealed[i % sealed.length]!;
        const fields = {
          ciphertext: s.ciphertext,
          initializationVector: s.initializationVector,
          authenticationTag: s.authenticationTag,
          ...(s.aad ? { additionalAuthenticatedData: s.aad } : {}),
          ...(s.ciphertextMetadata ? { ciphertextMetadata: s.ciphertextMetadata } : {}),
        };
        return {
          send: () => client.decrypt(s.keyId, fields, { kmsOperation: kmsOp(op, i), kmsKeyArn: keyArn(s.keyId), awsPrincipalArn: DEFAULT_PRINCIPAL_ARN }),
          verify(res) {
            const parsed = DecryptResponse.safeParse(res.json);
            if (!parsed.success) return `decrypt answer: ${issues(parsed)}`;
            return parsed.data.plaintext === s.plaintext ? undefined : "decrypt answer: the plaintext is not the one encrypted";
          },
        };
      }
      if (op === "metadata") {
        const keyId = key(i);
        return {
          send: () => client.metadata(keyId, { kmsOperation: kmsOp(op, i), kmsKeyArn: keyArn(keyId), awsPrincipalArn: DEFAULT_PRINCIPAL_ARN }),
          verify: (res) => issues(MetadataResponse.safeParse(res.json)) || undefined,
        };
      }
      return { send: () => client.health(), verify: (res) => issues(HealthResponse.safeParse(res.json)) || undefined };
    },
  };
}
