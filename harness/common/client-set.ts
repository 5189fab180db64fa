/**
 * @module harness/common/client-set
 * The XKS clients of one run (check, conformance): one connection pool whose TLS context (all roots + --ca,
 * and the client certificate for mTLS) is built once, clients for any settings on it, and one close for all.
 */
import type { Agent } from "undici";
import { tlsPool, XksClient, type XksClientOptions, xksTarget } from "../../src/client/index.js";
import type { XksSettings } from "./settings.js";

export interface ClientSetOptions {
  /** Trust anchors, PEM: Node's bundled roots plus --ca (trustAnchors). */
  ca: string[];
  /** Region every client signs for. */
  region: string;
  timeoutMs: number;
  /** mTLS client certificate and key, PEM. @default none */
  clientCert?: { cert: string; key: string } | undefined;
  /** Connections per origin of the shared pool. @default undici's default (unlimited) */
  connections?: number;
}

export interface ClientSet {
  /**
   * A client for some settings, on the shared pool; with `tls`, on a pool of its own with these TLS options
   * (another client certificate, say) over the run's trust anchors. Closed by `close`.
   */
  clientFor(settings: XksSettings, tls?: XksClientOptions): XksClient;
  close(): Promise<void>;
}

export function createClientSet(o: ClientSetOptions): ClientSet {
  const clients: XksClient[] = [];
  const base: XksClientOptions = { ca: o.ca, timeoutMs: o.timeoutMs, ...(o.clientCert ? { cert: o.clientCert.cert, key: o.clientCert.key } : {}) };
  const shared: Agent = tlsPool({ ca: o.ca, clientCert: o.clientCert, timeoutMs: o.timeoutMs, ...(o.connections ? { connections: o.connections } : {}) });
  return {
    clientFor(settings, tls) {
      const client = new XksClient(xksTarget(settings, o.region), tls ? { ...base, ...tls } : { ...base, dispatcher: shared });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await shared.close();
    },
  };
}
