/**
 * @module bench/yardstick-server
 * A bare `node:https` server for the benchmark to measure the mock against: the mock's certificate and TLS
 * options (src/proxy/tls-options.ts), the whole body read before answering, no framework. What it does with
 * the body is the caller's; it reports ready like every bench child (messages.ts).
 */
import { once } from "node:events";
import type { IncomingMessage } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { defaultCertsDir } from "../src/pki/certs-dir.js";
import { ensureDevPki } from "../src/pki/dev-pki-files.js";
import { DEFAULT_PATH_PREFIX } from "../src/proxy/config-schema.js";
import { JSON_CONTENT_TYPE } from "../src/proxy/respond.js";
import { httpsServerOptions, readTlsMaterial } from "../src/proxy/tls-options.js";
import { XKS_API_SUFFIX } from "../src/xks/index.js";
import { exitWhenTold, report } from "./messages.js";

/** Answers one request, its body read: status and JSON body. */
type YardstickAnswer = (req: IncomingMessage, body: Buffer) => { status: number; body: Buffer | string };

export async function serveYardstick(answer: YardstickAnswer): Promise<void> {
  const pki = await ensureDevPki(defaultCertsDir());
  const tls = readTlsMaterial({ mtls: false, allowedClientSubjects: [] }, { certFile: pki.paths.serverCert, keyFile: pki.paths.serverKey, caFile: pki.paths.caCert });
  const server: Server = createServer(httpsServerOptions(tls, false), function answerRequest(req, res) {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const out = answer(req, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      res.writeHead(out.status, { "content-type": JSON_CONTENT_TYPE, "content-length": Buffer.byteLength(out.body) });
      res.end(out.body);
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
}
