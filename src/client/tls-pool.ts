/**
 * @module client/tls-pool
 * Connection pools for talking to proxies. The TLS context is built once per pool: from a `ca` list alone, each
 * new connection would parse Node's ~140 root certificates again (tens of ms), which both distorts timings and,
 * with many connections at once, runs into KMS-sized timeouts.
 */
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";
import { Agent, buildConnector } from "undici";
import { XKS_TLS_CIPHERS, XKS_TLS_MIN_VERSION } from "../xks/index.js";

/** Node's bundled roots plus extra anchors (e.g. the dev CA): what a verifying client trusts. */
export function trustAnchors(extraCa: readonly string[] = []): string[] {
  return [...rootCertificates, ...extraCa];
}

interface PoolOptions {
  /** Trust anchors, PEM (see trustAnchors). */
  ca: string | readonly string[];
  /** Client certificate and key for mTLS, PEM. */
  clientCert?: { cert: string; key: string } | undefined;
  /** Bound on connect, headers and body. */
  timeoutMs: number;
  /** Connections per origin. @default undici's default (unlimited) */
  connections?: number;
  /**
   * Where every connection goes (https://host[:port]), whatever origin a request names: what a VPC interface
   * endpoint does for KMS. The request keeps its URL (Host header and TLS server name stay the origin's); only the
   * TCP connection goes here. @default the origin's address
   */
  connectTo?: string | undefined;
  /** Wraps the pool's connector, e.g. to read each new connection's peer certificate. @default none */
  wrapConnect?: ((connect: buildConnector.connector) => buildConnector.connector) | undefined;
}

/** The TLS context a pool uses: built once, reusable by several pools (see tlsPool's `secureContext`). */
export function poolTlsContext(o: Pick<PoolOptions, "ca" | "clientCert">): SecureContext {
  return createSecureContext({ ca: typeof o.ca === "string" ? o.ca : [...o.ca], ...(o.clientCert ?? {}) });
}

/** A pool: from trust options, or from a context built once (poolTlsContext) that several pools share. */
export function tlsPool(o: PoolOptions | (Omit<PoolOptions, "ca" | "clientCert"> & { secureContext: SecureContext })): Agent {
  const secureContext = "secureContext" in o ? o.secureContext : poolTlsContext(o);
  const base = keepTlsAlerts(buildConnector({ secureContext, timeout: o.timeoutMs }));
  let connect = base;
  if (o.connectTo) {
    const to = new URL(o.connectTo);
    const hostname = to.hostname.replace(/^\[(.*)\]$/, "$1");
    // `host` (the origin's) still names the TLS server; hostname and port say where to connect.
    connect = (opts, callback) => base({ ...opts, hostname, port: to.port || "443" }, callback);
  }
  return new Agent({
    connect: o.wrapConnect ? o.wrapConnect(connect) : connect,
    headersTimeout: o.timeoutMs,
    bodyTimeout: o.timeoutMs,
    ...(o.connections ? { connections: o.connections } : {}),
  });
}

/**
 * The TLS a client of the spec offers (1.2 or later, the four suites), with a client certificate for mTLS if one
 * is given, for handshakes the harness times itself.
 */
export function xksClientTlsContext(ca: readonly string[], clientCert?: { cert: string; key: string }): SecureContext {
  return createSecureContext({ ca: [...ca], minVersion: XKS_TLS_MIN_VERSION, ciphers: XKS_TLS_CIPHERS.join(":"), ...(clientCert ?? {}) });
}

/**
 * A connector whose sockets end with the TLS alert a server sent after the handshake, if any. In TLS 1.3 a server
 * judges the client's certificate after the client's handshake has ended: a refusal (certificate_required,
 * bad_certificate, ...) arrives as the first answer to the request, and undici, seeing the end of the stream
 * before the alert's error, reports "other side closed" — a proxy that closed without answering. KMS sees the
 * alert: a TLS failure. Destroying the socket with the alert's error makes undici report that error instead.
 */
export function keepTlsAlerts(connect: buildConnector.connector): buildConnector.connector {
  return (options, callback) =>
    connect(options, (err, socket) => {
      socket?.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code?.startsWith("ERR_SSL_")) socket.destroy(e);
      });
      // buildConnector's callback type is a union of (err, null) and (null, socket): pass both through as they came.
      (callback as (err: Error | null, socket: unknown) => void)(err, socket);
    });
}
