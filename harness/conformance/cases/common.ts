/**
 * @module harness/conformance/cases/common
 * Building blocks the cases share: probe data, a sealed ciphertext to decrypt, the bad credentials the AWS test
 * client uses.
 */
import { randomBytes } from "node:crypto";
import { CDIV_ALGORITHM, XKS_API_SUFFIX } from "../../../src/xks/constants.js";
import type { XksClient, XksResponse } from "../../../src/client/index.js";
import { bad, expectEncrypt, show, type Sealed } from "../expect.js";
import type { CaseOutcome, ConformanceContext } from "../types.js";
import { errorCode, errorWords, libraryText } from "../../../src/error-words.js";

/** Base64 of n random bytes. */
export const randomB64 = (n: number) => randomBytes(n).toString("base64");

/** The AWS test client's AAD values (its defaults). */
export const AAD = Buffer.from("project=nile,department=marketing").toString("base64");
export const AAD2 = Buffer.from("project=blue,department=finance").toString("base64");

export type DecryptFields = Parameters<XksClient["decrypt"]>[1];

export function decryptFieldsOf(sealed: Sealed, overrides: Partial<DecryptFields> & { dropAad?: boolean } = {}): DecryptFields {
  const { dropAad, ...rest } = overrides;
  const e = sealed.body;
  const fields: DecryptFields = { ciphertext: e.ciphertext, initializationVector: e.initializationVector, authenticationTag: e.authenticationTag };
  if (e.ciphertextMetadata) fields.ciphertextMetadata = e.ciphertextMetadata;
  if (sealed.aad !== undefined && !dropAad) fields.additionalAuthenticatedData = sealed.aad;
  return { ...fields, ...rest };
}

/** Encrypts as setup for a decrypt case; on failure the case fails with the setup's answer. */
export async function seal(client: XksClient, keyId: string, o: { plaintext?: string; aad?: string; cdiv?: boolean } = {}): Promise<{ sealed: Sealed; plaintext: string } | { failed: CaseOutcome }> {
  const plaintext = o.plaintext ?? randomB64(32);
  const res = await client.encrypt(keyId, { plaintext, ...(o.aad !== undefined ? { additionalAuthenticatedData: o.aad } : {}), ...(o.cdiv ? { ciphertextDataIntegrityValueAlgorithm: CDIV_ALGORITHM } : {}) });
  const r = expectEncrypt(res, plaintext, o.aad, !!o.cdiv);
  if (!r.sealed) return { failed: bad(`setup encrypt to succeed: ${r.outcome.expected}`, r.outcome.actual) };
  return { sealed: r.sealed, plaintext };
}

/** A credential of valid shape the proxy cannot know, as the AWS test client builds it ("Invalid" prefix). */
export function invalidAccessKeyId(ctx: ConformanceContext) {
  return { accessKeyId: `Invalid${ctx.target.settings.accessKeyId}`, secretAccessKey: ctx.target.settings.secretAccessKey };
}
export function invalidSecret(ctx: ConformanceContext) {
  return { accessKeyId: ctx.target.settings.accessKeyId, secretAccessKey: `Invalid${ctx.target.settings.secretAccessKey}` };
}

/** The target's path with "/invalid" inserted before /kms/xks/v1, as the test client does. */
export function invalidPrefixPath(ctx: ConformanceContext): string {
  const path = ctx.target.settings.path;
  const prefix = path.endsWith(XKS_API_SUFFIX) ? path.slice(0, -XKS_API_SUFFIX.length) : path;
  return `${prefix}/invalid${XKS_API_SUFFIX}`;
}

/** Runs a request that must get no HTTP answer (e.g. a refused TLS handshake). */
export async function expectRefused(call: () => Promise<XksResponse>, what: string): Promise<CaseOutcome> {
  try {
    const res = await call();
    return bad(`the connection refused (${what})`, show(res));
  } catch (err) {
    const words = errorWords(err, { service: "the proxy" });
    return { pass: true, expected: `the connection refused (${what})`, actual: `refused: ${words ? `${words.cause} (${errorCode(err)})` : libraryText(err)}` };
  }
}
