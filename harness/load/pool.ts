/**
 * @module harness/load/pool
 * The run's connection pool, counting what a capacity planner wants to know: connections opened and full TLS
 * handshakes (a resumed session costs the proxy far less). Same trust and TLS as every harness client.
 */
import { Agent, buildConnector } from "undici";
import type { TLSSocket } from "node:tls";
import { keepTlsAlerts, poolTlsContext, trustAnchors } from "../../src/client/index.js";

export interface CountingPool {
  agent: Agent;
  counts(): { connectionsOpened: number; tlsHandshakes: number };
  reset(): void;
}

export function countingPool(o: { extraCa: string[]; clientCert?: { cert: string; key: string } | undefined; timeoutMs: number; connections?: number | undefined }): CountingPool {
  const secureContext = poolTlsContext({ ca: trustAnchors(o.extraCa), clientCert: o.clientCert });
  const connect = keepTlsAlerts(buildConnector({ secureContext, timeout: o.timeoutMs }));
  let connectionsOpened = 0;
  let tlsHandshakes = 0;
  const counting: buildConnector.connector = (options, callback) =>
    connect(options, (err, socket) => {
      if (!err && socket) {
        connectionsOpened++;
        if (!(socket as TLSSocket).isSessionReused?.()) tlsHandshakes++;
      }
      (callback as (err: Error | null, socket: unknown) => void)(err, socket);
    });
  const agent = new Agent({ connect: counting, headersTimeout: o.timeoutMs, bodyTimeout: o.timeoutMs, ...(o.connections ? { connections: o.connections } : {}) });
  return {
    agent,
    counts: () => ({ connectionsOpened, tlsHandshakes }),
    reset: () => void ((connectionsOpened = 0), (tlsHandshakes = 0)),
  };
}
