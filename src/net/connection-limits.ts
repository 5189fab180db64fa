/**
 * @module net/connection-limits
 * What one connection may hold, on every listener we open (the mock's XKS and admin APIs, the local KMS): a cap on connections, a deadline for a request's
 * headers and for the whole request, and an idle limit. Node covers the gap after a response (keepAliveTimeout)
 * but not the gap between the handshake and the first request, so that one is armed here.
 */
import type { IncomingMessage, Server } from "node:http";
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
 * Closes a connection that sends no request within the idle limit of being opened (`event`: "connection" for
 * HTTP, "secureConnection" for HTTPS, i.e. once the handshake is done). The timer stops when the first request
 * starts; after each response Node re-arms it with keepAliveTimeout. On expiry Node's own handler destroys the socket.
 */
export function closeConnectionsIdleBeforeFirstRequest(server: Server, event: "connection" | "secureConnection", idleTimeoutMs: () => number): void {
  const waiting = new WeakSet<Socket>();
  server.on(event, (socket: Socket) => {
    if (socket.destroyed) return;
    waiting.add(socket);
    socket.setTimeout(idleTimeoutMs());
  });
  server.on("request", (req: IncomingMessage) => {
    if (!waiting.delete(req.socket)) return;
    req.socket.setTimeout(0);
  });
}
