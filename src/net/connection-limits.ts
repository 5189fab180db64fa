/**
 * @module net/connection-limits
 * What one connection may hold, on every listener we open (the mock's XKS and admin APIs, the local KMS): a cap on connections, a deadline for a request's
 * headers and for the whole request, both from the request's first byte, and an idle limit. Node covers the gap after
 * a response (keepAliveTimeout) but not the gap between the handshake and the first request: that one is handled
 * here (closeConnectionsIdleBeforeFirstRequest).
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";

export interface ConnectionLimits {
  /** A connection with no request in progress closes after this long. */
  idleTimeoutMs: number;
  /** A request's headers must have arrived this long after its first byte. */
  headersTimeoutMs: number;
  /** Connections beyond this many are closed as they arrive. */
  maxConnections: number;
}

/** A whole request (headers and body) must arrive within this; headersTimeoutMs is at most this. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** A TLS handshake must finish within this (Node's default is 120 s). */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/**
 * How often Node looks for requests over their headers or request deadline. Node's default (30 s) let a
 * slowloris connection live ~36 s with a 10 s limit; this reaps it within half a second of its limit.
 */
const CONNECTIONS_CHECKING_INTERVAL_MS = 500;

/** The options a listener needs at construction for the limits above to be enforced on time. */
export const LISTENER_OPTIONS = { connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS, requestTimeout: REQUEST_TIMEOUT_MS } as const;

/**
 * Sets the limits on a listener; may be called again (a reload): the cap and the headers deadline apply at once
 * to every connection, the idle limit from each connection's next idle period.
 */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits): void {
  server.maxConnections = limits.maxConnections;
  server.headersTimeout = limits.headersTimeoutMs;
  server.keepAliveTimeout = limits.idleTimeoutMs;
}

/**
 * Hands a connection to Node's HTTP parser only once its first byte arrives (`event`: "connection" for HTTP,
 * "secureConnection" for HTTPS, i.e. once the handshake is done), and closes it quietly if nothing comes within the
 * idle limit. Why: Node starts a connection's headers and request deadlines when the parser is attached, so a
 * connection left idle after its handshake (KMS keeps a pool of them) was answered an unsolicited, bodyless 408 at
 * headersTimeoutMs, and a request sent just then read that 408 as its answer. With the parser attached at the first
 * byte, both deadlines run from a request's first byte, and an idle connection lives the idle limit; after each
 * response Node's keepAliveTimeout is the idle limit. Node's own listener, added when the server is made, is replaced.
 */
export function closeConnectionsIdleBeforeFirstRequest(server: Server, event: "connection" | "secureConnection", idleTimeoutMs: () => number): void {
  const nodeListener = server.listeners(event)[0];
  if (typeof nodeListener !== "function" || nodeListener.name !== "connectionListener") {
    throw new Error(`Node's HTTP ${event} listener is not on this server: idle connections cannot be handled`);
  }
  server.removeListener(event, nodeListener as (socket: Socket) => void);
  const waiting = new Set<Socket>();
  server.on(event, (socket: Socket) => {
    if (socket.destroyed) return;
    waiting.add(socket);
    const closeIdle = () => socket.destroy();
    socket.setTimeout(idleTimeoutMs(), closeIdle);
    socket.once("close", () => waiting.delete(socket));
    socket.once("data", (first: Buffer) => {
      waiting.delete(socket);
      socket.setTimeout(0);
      socket.off("timeout", closeIdle);
      // The byte goes back in front of the stream for the parser, which reads once it is attached.
      socket.pause();
      socket.unshift(first);
      nodeListener.call(server, socket);
      process.nextTick(() => socket.resume());
    });
  });
  // server.close() and stop() close the connections Node knows; these it does not know yet.
  const closeIdleConnections = server.closeIdleConnections.bind(server);
  const closeAllConnections = server.closeAllConnections.bind(server);
  const closeWaiting = () => {
    for (const socket of waiting) socket.destroy();
  };
  server.closeIdleConnections = () => {
    closeWaiting();
    closeIdleConnections();
  };
  server.closeAllConnections = () => {
    closeWaiting();
    closeAllConnections();
  };
}
