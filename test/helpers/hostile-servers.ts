/**
 * Servers that answer badly on purpose, each on 127.0.0.1 with an ephemeral port: an XKS "proxy" that answers a
 * few calls as it should and then drips its answers a byte at a time forever or sends one over the client's size
 * cap, and a TCP server that accepts connections and never says a word (a hung proxy).
 */
import { createServer as createHttpsServer, type ServerOptions } from "node:https";
import { createServer as createNetServer } from "node:net";
import { MAX_RESPONSE_BYTES } from "../../src/client/index.js";
import type { XksCredential } from "../../src/xks/sigv4/sign.js";
import { verifySigV4 } from "../../src/xks/sigv4/verify.js";
import { listenOnLoopback, VALID_HEALTH, type StartedServer } from "./check-servers.js";

/** How a hostile proxy answers once its good calls are used up. */
export type Misbehaviour = "drip" | "oversize";

export interface HostileProxyOptions {
  tls: ServerOptions;
  /** prefix + /kms/xks/v1 */
  basePath: string;
  credential: XksCredential;
  /** Calls answered as the spec wants (SigV4 verified, 404 to another path) before the misbehaviour starts. */
  goodCalls: number;
  then: Misbehaviour;
}

export interface HostileServer extends StartedServer {
  /** Requests received so far. */
  readonly calls: number;
}

/** Gap between two dripped bytes: far shorter than any timeout, so only a whole-call deadline ends the call. */
const DRIP_MS = 20;

export async function startHostileProxy(o: HostileProxyOptions): Promise<HostileServer> {
  let calls = 0;
  const server = createHttpsServer(o.tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      calls += 1;
      const send = (status: number, body: object) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (calls > o.goodCalls && o.then === "oversize") {
        return send(200, { ...VALID_HEALTH, padding: "x".repeat(MAX_RESPONSE_BYTES + 1024) });
      }
      if (calls > o.goodCalls && o.then === "drip") {
        // Headers at once, then a body that never ends: one space at a time (valid JSON whitespace so far).
        res.writeHead(200, { "content-type": "application/json" });
        res.write("{");
        const timer = setInterval(() => res.write(" "), DRIP_MS);
        res.once("close", () => clearInterval(timer));
        return;
      }
      const path = req.url ?? "";
      if (path !== `${o.basePath}/health`) return send(404, { errorName: "InvalidUriPathException" });
      const verified = verifySigV4(
        { method: req.method ?? "POST", path, headers: req.headersDistinct, body: Buffer.concat(chunks) },
        { lookupSecret: (id) => (id === o.credential.accessKeyId ? o.credential.secretAccessKey : undefined), now: new Date() },
      );
      send(verified.ok ? 200 : 401, verified.ok ? VALID_HEALTH : { errorName: "AuthenticationFailedException" });
    });
  });
  const started = await listenOnLoopback(server);
  return {
    ...started,
    get calls() {
      return calls;
    },
  };
}

/** Accepts TCP connections and keeps them open without ever sending a byte: no TLS handshake, no answer. */
export async function startSilentServer(): Promise<HostileServer> {
  let calls = 0;
  const server = createNetServer(() => {
    calls += 1;
  });
  const started = await listenOnLoopback(server);
  return {
    ...started,
    get calls() {
      return calls;
    },
  };
}
