/**
 * @module harness/watch/metrics-server
 * The Prometheus endpoint of `watch`: GET /metrics and nothing else (another path 404, another method 405), on
 * a listener with the limits every listener of ours has (src/net/connection-limits.ts). A scraper holds one
 * keep-alive connection; the cap leaves room for a few, not for a flood.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { applyConnectionLimits, closeConnectionsIdleBeforeFirstRequest, LISTENER_OPTIONS, type ConnectionLimits } from "../../src/net/connection-limits.js";

const METRICS_PATH = "/metrics";
const METRICS_LIMITS: ConnectionLimits = { idleTimeoutMs: 60_000, headersTimeoutMs: 10_000, maxConnections: 16 };

export interface MetricsSource {
  exposition(): Promise<{ contentType: string; body: string }>;
}

export interface StartedMetricsServer {
  /** http://host:port/metrics */
  url: string;
  port: number;
  close(): Promise<void>;
}

function handler(source: MetricsSource) {
  return async function serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The body of a request is never read: drain it so the connection stays usable.
    req.resume();
    const path = (req.url ?? "/").split("?")[0];
    if (path !== METRICS_PATH) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`not found: only GET ${METRICS_PATH} is served here\n`);
      return;
    }
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET", "content-type": "text/plain; charset=utf-8" }).end(`method ${req.method} not allowed: use GET ${METRICS_PATH}\n`);
      return;
    }
    try {
      const { contentType, body } = await source.exposition();
      res.writeHead(200, { "content-type": contentType }).end(body);
    } catch (err) {
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end(`metrics unavailable: ${(err as Error).message}\n`);
    }
  };
}

/** Listens on host:port (0: any free port); rejects with the listen error (EADDRINUSE, ...) as Node gives it. */
export async function startMetricsServer(source: MetricsSource, host: string, port: number, limits: ConnectionLimits = METRICS_LIMITS): Promise<StartedMetricsServer> {
  const serve = handler(source);
  const server: Server = createServer(LISTENER_OPTIONS, (req, res) => void serve(req, res));
  applyConnectionLimits(server, limits);
  closeConnectionsIdleBeforeFirstRequest(server, "connection", () => limits.idleTimeoutMs);
  server.listen(port, host);
  // once() rejects with the error when the server emits "error" first.
  await once(server, "listening");
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound}${METRICS_PATH}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
