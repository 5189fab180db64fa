/**
 * @module harness/check/probe
 * An encrypt → decrypt probe with random plaintext and AAD, verified strictly and locally by src/xks/answers.ts
 * (every byte rule, CDIV, plaintext). The keys and continuity checks and snapshots are all made of these.
 */
import { createHash, randomBytes } from "node:crypto";
import { answerResult, attempt, classifyError, type Result, type XksClient } from "../../src/client/index.js";
import { CDIV_ALGORITHM, decodeBase64, verifyDecryptAnswer, verifyEncryptAnswer } from "../../src/xks/index.js";

/** What decrypt needs back, plus a digest of the plaintext (the plaintext itself is never stored or printed). */
export interface Probe {
  keyId: string;
  ciphertext: string;
  initializationVector: string;
  authenticationTag: string;
  ciphertextMetadata?: string;
  additionalAuthenticatedData: string;
  plaintextSha256: string;
}

export type ProbeResult<T> = Result<T>;

const PROBE_BYTES = 32;

function sha256Base64(b64: string): string {
  return createHash("sha256").update(decodeBase64(b64) ?? Buffer.alloc(0)).digest("hex");
}

export async function encryptProbe(client: XksClient, keyId: string, timeoutMs: number): Promise<ProbeResult<Probe>> {
  const plaintext = randomBytes(PROBE_BYTES).toString("base64");
  const aad = Buffer.from(`xks-harness probe ${new Date().toISOString()}`).toString("base64");
  const o = await attempt(() => client.encrypt(keyId, { plaintext, additionalAuthenticatedData: aad, ciphertextDataIntegrityValueAlgorithm: CDIV_ALGORITHM }), timeoutMs);
  if (!o.ok) return o;
  if (o.res.status !== 200) return classifyError(o.res);
  const r = answerResult(verifyEncryptAnswer(o.res.json, { plaintextBytes: PROBE_BYTES, aad: decodeBase64(aad), cdivAsked: true }), "encrypt answer breaks the spec");
  if (!r.ok) return r;
  const e = r.value.fields;
  return {
    ok: true,
    value: {
      keyId,
      ciphertext: e.ciphertext,
      initializationVector: e.initializationVector,
      authenticationTag: e.authenticationTag,
      ...(e.ciphertextMetadata ? { ciphertextMetadata: e.ciphertextMetadata } : {}),
      additionalAuthenticatedData: aad,
      plaintextSha256: sha256Base64(plaintext),
    },
  };
}

export async function decryptProbe(client: XksClient, probe: Probe, timeoutMs: number): Promise<ProbeResult<true>> {
  const { keyId, plaintextSha256: _digest, ...fields } = probe;
  const o = await attempt(() => client.decrypt(keyId, fields), timeoutMs);
  if (!o.ok) return o;
  if (o.res.status !== 200) return classifyError(o.res);
  const expect = { ciphertextBytes: decodeBase64(probe.ciphertext)?.length ?? 0, matches: (text: string) => sha256Base64(text) === probe.plaintextSha256 };
  const r = answerResult(verifyDecryptAnswer(o.res.json, expect), "decrypt answer");
  return r.ok ? { ok: true, value: true } : r;
}
