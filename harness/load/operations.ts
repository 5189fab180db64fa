/**
 * @module harness/load/operations
 * One request per operation, as KMS sends it: a fresh signature and X-Amz-Date (the engine signs each call), a
 * unique kmsRequestId, the requestMetadata of the KMS operation behind it, random AAD of the chosen size. And the
 * check of every answer by src/xks/answers.ts, as everywhere else: an encrypt's every byte rule and its CDIV, a
 * decrypt's plaintext (the one its warm-up ciphertext was made from), the metadata and health documents. A proxy
 * that answers fast but wrong fails the run.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { answerResult, DEFAULT_PRINCIPAL as DEFAULT_PRINCIPAL_ARN, type Failed, type XksResponse } from "../../src/client/index.js";
import { CDIV_ALGORITHM, ENCRYPTION_ALGORITHM, verifyDecryptAnswer, verifyEncryptAnswer, verifyHealthAnswer, verifyMetadataAnswer } from "../../src/xks/index.js";
import type { LoadOperation } from "./options.js";
import { describeError } from "../../src/error-words.js";

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
  verify(res: XksResponse): Failed | undefined;
}

export interface CallFactory {
  next(op: LoadOperation, i: number): Call;
}

const b64 = (n: number) => randomBytes(n).toString("base64");
const failedOf = <T>(r: ReturnType<typeof answerResult<T>>): Failed | undefined => (r.ok ? undefined : r);

/** What sends a signed request: the load engine (engine.ts). */
export interface Sender {
  send(path: string, body: unknown): Promise<XksResponse>;
}

/** The requestMetadata KMS sends with a key's call; a fresh kmsRequestId each time. */
function keyMetadata(keyId: string, kmsOperation: string) {
  return { kmsRequestId: randomUUID(), kmsOperation, kmsKeyArn: keyArn(keyId), awsPrincipalArn: DEFAULT_PRINCIPAL_ARN };
}

const keyPath = (keyId: string, op: string) => `/keys/${encodeURIComponent(keyId)}/${op}`;

function encryptCall(sender: Sender, keyId: string, plaintextBytes: number, aadBytes: number, kmsOperation: string): Call & { sealed(res: XksResponse): Sealed | undefined } {
  const plaintext = b64(plaintextBytes);
  const aad = aadBytes > 0 ? b64(aadBytes) : "";
  const expect = { plaintextBytes, aad: aad ? Buffer.from(aad, "base64") : undefined, cdivAsked: true };
  const check = (res: XksResponse) => answerResult(verifyEncryptAnswer(res.json, expect), "encrypt answer");
  return {
    send: () =>
      sender.send(keyPath(keyId, "encrypt"), {
        requestMetadata: keyMetadata(keyId, kmsOperation),
        plaintext,
        encryptionAlgorithm: ENCRYPTION_ALGORITHM,
        ...(aad ? { additionalAuthenticatedData: aad } : {}),
        ciphertextDataIntegrityValueAlgorithm: CDIV_ALGORITHM,
      }),
    verify: (res) => failedOf(check(res)),
    sealed(res) {
      const r = check(res);
      return r.ok ? { keyId, plaintext, aad, ...r.value.fields } : undefined;
    },
  };
}

const arns = new Map<string, string>();

/** A KMS key ARN for an external key id, so each key's calls carry an ARN of their own (made once per key). */
export function keyArn(keyId: string): string {
  let arn = arns.get(keyId);
  if (arn === undefined) arns.set(keyId, (arn = arnOf(keyId)));
  return arn;
}

function arnOf(keyId: string): string {
  const hex = Buffer.from(keyId).toString("hex").padEnd(32, "0").slice(0, 32);
  return `arn:aws:kms:us-east-1:123456789012:key/${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Encrypts `count` plaintexts per key (in small batches) for the decrypts to use; fails on any wrong answer. */
export async function warmUp(client: Sender, keyIds: string[], count: number, plaintextBytes: number, aadBytes: number): Promise<Sealed[]> {
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
        if (wrong) throw new Error(`warm-up with key ${keyId}: ${wrong.detail}`);
        sealed.push(call.sealed(res)!);
      }
    }
  }
  return sealed;
}

export function callFactory(client: Sender, keyIds: string[], sealed: Sealed[], o: { plaintextBytes: number; aadBytes: number }): CallFactory {
  const kmsOp = (op: LoadOperation, i: number) => KMS_OPERATIONS[op][i % KMS_OPERATIONS[op].length]!;
  const key = (i: number) => keyIds[i % keyIds.length]!;
  return {
    next(op, i) {
      if (op === "encrypt") return encryptCall(client, key(i), o.plaintextBytes, o.aadBytes, kmsOp(op, i));
      if (op === "decrypt") {
        const s = sealed[i % sealed.length]!;
        const fields = {
          requestMetadata: keyMetadata(s.keyId, kmsOp(op, i)),
          encryptionAlgorithm: ENCRYPTION_ALGORITHM,
          ciphertext: s.ciphertext,
          initializationVector: s.initializationVector,
          authenticationTag: s.authenticationTag,
          ...(s.aad ? { additionalAuthenticatedData: s.aad } : {}),
          ...(s.ciphertextMetadata ? { ciphertextMetadata: s.ciphertextMetadata } : {}),
        };
        return {
          send: () => client.send(keyPath(s.keyId, "decrypt"), fields),
          verify: (res) => failedOf(answerResult(verifyDecryptAnswer(res.json, { ciphertextBytes: o.plaintextBytes, matches: (text) => text === s.plaintext }), "decrypt answer")),
        };
      }
      if (op === "metadata") {
        const keyId = key(i);
        return {
          send: () => client.send(keyPath(keyId, "metadata"), { requestMetadata: keyMetadata(keyId, kmsOp(op, i)) }),
          verify: (res) => failedOf(answerResult(verifyMetadataAnswer(res.json), "metadata answer")),
        };
      }
      const health = () => client.send("/health", { requestMetadata: { kmsRequestId: randomUUID(), kmsOperation: kmsOp(op, i) } });
      return { send: health, verify: (res) => failedOf(answerResult(verifyHealthAnswer(res.json), "health answer")) };
    },
  };
}
