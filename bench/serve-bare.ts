/**
 * @module bench/serve-bare
 * The yardstick: a bare `node:https` server with the mock's certificate and TLS options
 * (src/proxy/tls-options.ts) that reads the request body and answers a constant encrypt-shaped JSON of
 * the size the mock sends for the bench's 512-byte plaintext. What the mock costs beyond this is its own.
 *   node dist/bench/serve-bare.js
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { defaultCertsDir, ensureDevPki } from "../src/pki/dev-pki-files.js";
import { DEFAULT_PATH_PREFIX } from "../src/proxy/config-schema.js";
import { httpsServerOptions, readTlsMaterial } from "../src/proxy/tls-options.js";
import { XKS_API_SUFFIX } from "../src/xks/constants.js";
import { exitWhenTold, report } from "./messages.js";
import { PLAINTEXT_BYTES } from "./signed-requests.js";

/** Same shape and lengths as the mock's Encrypt answer (AES-GCM: ciphertext as long as the plaintext, 12-byte IV, 16-byte tag). */
const RESPONSE = Buffer.from(
  JSON.stringify({
    ciphertext: randomBytes(PLAINTEXT_BYTES).toString("base64"),
    initializationVector: randomBytes(12).toString("base64"),
    authenticationTag: randomBytes(16).toString("base64"),
  }),
);

const pki = await ensureDevPki(defaultCertsDir());
const tls = readTlsMaterial({ mtls: false, allowedClientSubjects: [] }, { certFile: pki.paths.serverCert, keyFile: pki.paths.serverKey, caFile: pki.paths.caCert });
const server: Server = createServer(httpsServerOptions(tls, false), function answerConstant(req, res) {
  // Read the whole body, as the mock must, before answering.
  req.on("data", () => {});
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": RESPONSE.length });
    res.end(RESPONSE);
  });
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
exitWhenTold(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }),
);
await report({
  type: "ready",
  origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
  encryptPath: `${DEFAULT_PATH_PREFIX}${XKS_API_SUFFIX}/keys/foo/encrypt`,
  caFile: pki.paths.caCert,
});
