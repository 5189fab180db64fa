/**
 * @module client/tls-pool
 * Connection pools for talking to proxies. The TLS context is built once per pool: from a `ca` list alone, each
 * new connection would parse Node's ~140 root certificates again (tens of ms), which both distorts timings and,
 * with many connections at once, runs into KMS-sized timeouts.
 */
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";
import { Agent } from "undici";
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
}

/** The TLS context a pool uses: built once, reusable by several pools (see tlsPool's `secureContext`). */
export function poolTlsContext(o: Pick<PoolOptions, "ca" | "clientCert">): SecureContext {
  return createSecureContext({ ca: typeof o.ca === "string" ? o.ca : [...o.ca], ...(o.clientCert ?? {}) });
}

/** A pool: from trust options, or from a context built once (poolTlsContext) that several pools share. */
export function tlsPool(o: PoolOptions | (Omit<PoolOptions, "ca" | "clientCert"> & { secureContext: SecureContext })): Agent {
  const secureContext = "secureContext" in o ? o.secureContext : poolTlsContext(o);
  return new Agent({
    connect: { secureContext, timeout: o.timeoutMs },
    headersTimeout: o.timeoutMs,
    bodyTimeout: o.timeoutMs,
    ...(o.connections ? { connections: o.connections } : {}),
  });
}

/** The TLS a client of the spec offers (1.2 or later, the four suites), for handshakes the harness times itself. */
export function xksClientTlsContext(ca: readonly string[]): SecureContext {
  return createSecureContext({ ca: [...ca], minVersion: XKS_TLS_MIN_VERSION, ciphers: XKS_TLS_CIPHERS.join(":") });
}
