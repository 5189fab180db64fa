/**
 * @module bench/serve-bare
 * The yardstick of the ratio: a bare `node:https` server (yardstick-server.ts) that reads the request
 * body and answers a constant encrypt-shaped JSON of the size the mock sends for the bench's 512-byte plaintext.
 * What the mock costs beyond this is its own.
 *   node dist/bench/serve-bare.js
 */
import { randomBytes } from "node:crypto";
import { PLAINTEXT_BYTES } from "./signed-requests.js";
import { serveYardstick } from "./yardstick-server.js";
import { XKS_LIMITS } from "../src/xks/index.js";

/** Same shape and lengths as the mock's Encrypt answer (AES-GCM: ciphertext as long as the plaintext, 12-byte IV, 16-byte tag). */
const RESPONSE = Buffer.from(
  JSON.stringify({
    ciphertext: randomBytes(PLAINTEXT_BYTES).toString("base64"),
    initializationVector: randomBytes(XKS_LIMITS.ivBytes[0]!).toString("base64"),
    authenticationTag: randomBytes(XKS_LIMITS.tagBytes).toString("base64"),
  }),
);

await serveYardstick(() => ({ status: 200, body: RESPONSE }));
