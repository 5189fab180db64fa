/**
 * Purpose-built servers for the `xks-harness check` tests, each on 127.0.0.1 with an ephemeral port: a minimal XKS
 * "proxy" whose SigV4 handling can be broken on purpose (accept anything, no clock-skew limit, wrong answers to an
 * unknown path) over any TLS configuration, a plain HTTP server, a TCP server that only counts connections, and a port
 * nobody listens on.
 */
import { once } from "node:events";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer, type ServerOptions } from "node:https";
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import { verifySigV4 } from "../../src/xks/sigv4/verify.js";
import type { XksCredential } from "../../src/xks/sigv4/sign.js";

export interface StartedServer {
  port: number;
  stop(): Promise<void>;
}

export interface MiniProxyOptions {
  /** cert, key and any TLS knob (maxVersion, ciphers, ...). */
  tls: ServerOptions;
  /** prefix + /kms/xks/v1 */
  basePath: string;
  credential: XksCredential;
  /** "verify": SigV4 checked with src/xks/sigv4/verify.ts; "accept-any": 200 with a valid health body to everything. */
  auth: "verify" | "accept-any";
  /** Clock-skew limit handed to verifySigV4. @default 300000 */
  maxSkewMs?: number;
  /** Status for a path outside basePath/health: 404 InvalidUriPathException as the spec wants, or a wrong one. @default 404 */
  unknownPath?: 200 | 401 | 404;
}

export const VALID_HEALTH = {
  xksProxyFleetSize: 1,
  xksProxyVendor: "check-test",
  xksProxyModel: "mini proxy",
  ekmVendor: "check-test",
  ekmFleetDetails: [{ id: "ekm-1", model: "none", healthStatus: "ACTIVE" }],
} as const;

/**
 * Listens on 127.0.0.1 at an ephemeral port. stop() closes the server and destroys every connection it holds,
 * so it never waits on a keep-alive or half-finished handshake.
 */
export async function listenOnLoopback(server: NetServer): Promise<StartedServer> {
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

export async function startMiniProxy(o: MiniProxyOptions): Promise<StartedServer> {
  const server = createHttpsServer(o.tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const send = (status: number, body: object) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (o.auth === "accept-any") return send(200, VALID_HEALTH);
      const path = req.url ?? "";
      if (path !== `${o.basePath}/health`) {
        if ((o.unknownPath ?? 404) === 404) return send(404, { errorName: "InvalidUriPathException" });
        if (o.unknownPath === 401) return send(401, { errorName: "AuthenticationFailedException" });
        return send(200, VALID_HEALTH);
      }
      const verified = verifySigV4(
        { method: req.method ?? "POST", path, headers: req.headersDistinct, body: Buffer.concat(chunks) },
        { lookupSecret: (id) => (id === o.credential.accessKeyId ? o.credential.secretAccessKey : undefined), now: new Date(), ...(o.maxSkewMs ? { maxSkewMs: o.maxSkewMs } : {}) },
      );
      if (!verified.ok) return send(401, { errorName: "AuthenticationFailedException" });
      send(200, VALID_HEALTH);
    });
  });
  return listenOnLoopback(server);
}

/** Plain HTTP (no TLS) on 127.0.0.1: Node's parser answers a TLS ClientHello with 400 Bad Request. */
export async function startPlainHttpServer(): Promise<StartedServer> {
  const server = createHttpServer((_req, res) => res.writeHead(404).end());
  return listenOnLoopback(server);
}

export interface CountingServer extends StartedServer {
  /** Connections accepted so far, not counting settledCount()'s own. */
  readonly count: number;
  /**
   * Connects once itself and resolves with the count of connections accepted before that one. The kernel queues
   * accepted connections in order, so any connection another process made earlier is counted by then.
   */
  settledCount(): Promise<number>;
}

/** Accepts TCP connections, counts them and closes them at once. */
export async function startCountingServer(): Promise<CountingServer> {
  const seenPorts: number[] = [];
  let probes = 0;
  let waiter: { port: number; from: number; resolve: () => void } | undefined;
  const server = createNetServer((socket) => {
    seenPorts.push(socket.remotePort ?? -1);
    if (waiter && seenPorts.indexOf(waiter.port, waiter.from) !== -1) waiter.resolve();
    socket.destroy();
  });
  const started = await listenOnLoopback(server);
  const port = started.port;
  return {
    ...started,
    get count() {
      return seenPorts.length - probes;
    },
    async settledCount() {
      const from = seenPorts.length;
      const probe = connect({ host: "127.0.0.1", port });
      probe.on("error", () => undefined);
      await once(probe, "connect");
      const probePort = probe.localPort!;
      if (seenPorts.indexOf(probePort, from) === -1) await new Promise<void>((resolve) => (waiter = { port: probePort, from, resolve }));
      waiter = undefined;
      probe.destroy();
      probes += 1;
      return seenPorts.length - probes;
    },
  };
}

/** A port on 127.0.0.1 that was free a moment ago and has no listener now. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
