/**
 * @module harness/check/probe
 * An encrypt → decrypt probe with random plaintext and AAD, verified strictly and locally (schema, lengths, CDIV,
 * plaintext). The keys and continuity checks and snapshots are all made of these.
 */
import { createHash, randomBytes } from "node:crypto";
import { decodeBase64 } from "../../src/xks/base64.js";
import { expectedCdiv } from "../../src/xks/cdiv.js";
import { DecryptResponse, EncryptResponse, describeIssues } from "../../src/xks/schemas.js";
import { attempt, classifyError, type Failed, type XksClient } from "../../src/client/index.js";
import { CDIV_ALGORITHM } from "../../src/xks/constants.js";

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

export type ProbeResult<T> = { ok: true; value: T } | Failed;

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
  const parsed = EncryptResponse.safeParse(o.res.json);
  if (!parsed.success) return { ok: false, failure: "MalformedResponse", detail: `encrypt answer breaks the spec: ${describeIssues(parsed.error)}` };
  const e = parsed.data;
  const ct = decodeBase64(e.ciphertext)!;
  if (ct.length !== PROBE_BYTES) return { ok: false, failure: "MalformedResponse", detail: `ciphertext is ${ct.length} bytes for ${PROBE_BYTES} bytes of plaintext; AES-GCM keeps the length` };
  const cdiv = expectedCdiv(e, decodeBase64(aad));
  if (e.ciphertextDataIntegrityValue !== cdiv) {
    return { ok: false, failure: "MalformedResponse", detail: e.ciphertextDataIntegrityValue ? "ciphertextDataIntegrityValue does not match the one computed here" : "ciphertextDataIntegrityValue missing although SHA_256 was requested" };
  }
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
  const parsed = DecryptResponse.safeParse(o.res.json);
  if (!parsed.success) return { ok: false, failure: "MalformedResponse", detail: `decrypt answer breaks the spec: ${describeIssues(parsed.error)}` };
  if (sha256Base64(parsed.data.plaintext) !== probe.plaintextSha256) return { ok: false, failure: "InvalidCiphertextReturned", detail: "decrypt returned a different plaintext" };
  return { ok: true, value: true };
}
