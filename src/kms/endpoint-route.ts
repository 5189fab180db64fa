/**
 * @module kms/endpoint-route
 * The gateway's connection pools. A routed pool reaches another address than the URL names: what a VPC interface
 * endpoint does for KMS. The request keeps its URL (so the Host header KMS signs and the TLS server name stay the
 * store's endpoint host); only the TCP connection goes to the declared target.
 */
import type { SecureContext } from "node:tls";
import { Agent, buildConnector } from "undici";
import { keepTlsAlerts } from "../client/index.js";

interface GatewayPoolOptions {
  secureContext: SecureContext;
  timeoutMs: number;
  /** Where every connection goes (https://host:port), whatever origin a request names; the origin's address when absent. */
  target?: string | undefined;
  /** Wraps the pool's connector (the gateway reads each connection's peer certificate through it). */
  wrapConnect?: (connect: buildConnector.connector) => buildConnector.connector;
}

/** A pool as client/tls-pool builds one (one TLS context, a bound on connect, headers and body), optionally routed. */
export function gatewayPool(o: GatewayPoolOptions): Agent {
  const base = keepTlsAlerts(buildConnector({ secureContext: o.secureContext, timeout: o.timeoutMs }));
  let connect: buildConnector.connector = base;
  if (o.target) {
    const to = new URL(o.target);
    const hostname = to.hostname.replace(/^\[(.*)\]$/, "$1");
    // `host` (the origin's) still names the TLS server; hostname and port say where to connect.
    connect = (opts, callback) => base({ ...opts, hostname, port: to.port || "443" }, callback);
  }
  return new Agent({ connect: o.wrapConnect ? o.wrapConnect(connect) : connect, headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs });
}
