/**
 * @module bench/serve-bare-xks
 * A second yardstick, for information: the same bare server doing only the work the spec makes every Encrypt
 * cost — SigV4 verification, JSON, the request schema, AES-256-GCM under a fresh IV — with the shared core
 * (src/xks), none of the mock (no routing, faults, keystores, logging). mock / this says what the mock adds on
 * top of the spec's own work; bare / this, what that work costs.
 *   node dist/bench/serve-bare-xks.js
 */
import { randomBytes } from "node:crypto";
import { PUBLIC_TEST_CREDENTIAL } from "../src/proxy/config-schema.js";
import { gcmEncrypt, EncryptRequest, SigningKeyCache, verifySigV4, XKS_LIMITS } from "../src/xks/index.js";
import { serveYardstick } from "./yardstick-server.js";

const KEY = randomBytes(XKS_LIMITS.keyBytes);
const signingKeys = new SigningKeyCache();
const error = (status: number, errorName: string) => ({ status, body: JSON.stringify({ errorName }) });

await serveYardstick((req, body) => {
  const auth = verifySigV4({ method: "POST", path: req.url ?? "", headers: req.headersDistinct, body }, { lookupSecret: () => PUBLIC_TEST_CREDENTIAL.secretAccessKey, now: new Date(), signingKeys });
  if (!auth.ok) return error(401, "AuthenticationFailedException");
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return error(400, "ValidationException");
  }
  const request = EncryptRequest.safeParse(json);
  if (!request.success) return error(400, "ValidationException");
  const iv = randomBytes(XKS_LIMITS.ivBytes[0]!);
  const sealed = gcmEncrypt(KEY, iv, request.data.plaintext, { aad: request.data.additionalAuthenticatedData });
  return {
    status: 200,
    body: JSON.stringify({ ciphertext: sealed.ciphertext.toString("base64"), initializationVector: iv.toString("base64"), authenticationTag: sealed.tag.toString("base64") }),
  };
});
