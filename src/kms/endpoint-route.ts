/**
 * @module kms/endpoint-route
 * A connection pool that reaches another address than the URL names: what a VPC interface endpoint does for KMS.
 * The request keeps its URL (so the Host header KMS signs and the TLS server name stay the store's endpoint
 * host); only the TCP connection goes to the declared target.
 */
import type { SecureContext } from "node:tls";
import { Agent, buildConnector } from "undici";
import { keepTlsAlerts } from "../client/index.js";

/** A pool whose every connection goes to `target` (https://host:port), whatever origin a request names. */
export function routedPool(target: string, secureContext: SecureContext, timeoutMs: number): Agent {
  const to = new URL(target);
  const hostname = to.hostname.replace(/^\[(.*)\]$/, "$1");
  const connect = keepTlsAlerts(buildConnector({ secureContext, timeout: timeoutMs }));
  return new Agent({
    // `host` (the origin's) still names the TLS server; hostname and port say where to connect.
    connect: (opts, callback) => connect({ ...opts, hostname, port: to.port || "443" }, callback),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}
