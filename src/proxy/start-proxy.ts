/**
 * @module proxy/start-proxy
 * Starts the mock: the XKS API over HTTPS (or HTTP), the admin API on 127.0.0.1, hot reload of credentials,
 * keys, faults and the server certificate without a restart and without dropping requests in flight.
 */
import { once } from "node:events";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import type { Logger } from "pino";
import { defaultCertsDir, ensureDevPki } from "../pki/dev-pki-files.js";
import { createAdminApp } from "./admin-app.js";
import { createProxyApp } from "./app.js";
import type { ProxyConfig } from "./config-schema.js";
import { FaultRegistry } from "./fault-registry.js";
import { createLogger } from "./request-log.js";
import { buildRuntime, type ProxyRuntime } from "./runtime.js";
import { httpsServerOptions, readTlsMaterial, refuseClientCertificate } from "./tls-options.js";

export interface StartProxyOptions {
  config: ProxyConfig;
  /** Produces the configuration a reload applies (e.g. re-reads the file). @default returns `config` */
  reloadSource?: () => ProxyConfig;
  /** @default a pino logger on stdout at config.logLevel */
  logger?: Logger;
  /** Where the dev PKI lives (made on first start when TLS files are not configured). @default the package's certs/ */
  certsDir?: string;
  /** @default () => new Date() */
  now?: () => Date;
}

export interface StartedProxy {
  /** Origin, e.g. https://127.0.0.1:8443 */
  url: string;
  port: number;
  adminUrl?: string | undefined;
  /** The CA that signed the server certificate, when the dev PKI is in use. */
  caFile?: string | undefined;
  config(): ProxyConfig;
  faults: FaultRegistry;
  /** Base URI of a keystore (default: the first): origin + prefix + /kms/xks/v1 */
  baseUrl(keystore?: string): string;
  /** Applies a new configuration (default: from reloadSource). Requests in flight finish on the old one. */
  reload(next?: ProxyConfig): Promise<void>;
  stop(): Promise<void>;
}

/** How long stop() lets requests in flight finish before it cuts their connections. */
const STOP_GRACE_MS = 2000;

function faultsByKeystore(config: ProxyConfig) {
  return new Map(config.keystores.map((k) => [k.name, k.faults]));
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export async function startProxy(options: StartProxyOptions): Promise<StartedProxy> {
  let config = options.config;
  let runtime: ProxyRuntime = buildRuntime(config);
  const logger = options.logger ?? createLogger(config.logLevel);
  const faults = new FaultRegistry();
  faults.setConfigFaults(faultsByKeystore(config));

  const app = createProxyApp({ runtime: () => runtime, faults, logger, ...(options.now ? { now: options.now } : {}) });

  let caFile: string | undefined;
  /** The server's TLS options for a configuration; files it does not name come from the dev PKI (made if missing). */
  const tlsOptionsFor = async (c: ProxyConfig, mtls: boolean) => {
    const needsDevPki = !c.tls.certFile || !c.tls.keyFile || (mtls && !c.tls.clientCaFile);
    let fallback = { certFile: "", keyFile: "", caFile: "" };
    if (needsDevPki) {
      const pki = await ensureDevPki(options.certsDir ?? defaultCertsDir());
      caFile = pki.paths.caCert;
      fallback = { certFile: pki.paths.serverCert, keyFile: pki.paths.serverKey, caFile: pki.paths.caCert };
    }
    return httpsServerOptions(readTlsMaterial(c.tls, fallback), mtls);
  };

  // Fixed at start: a reload cannot turn client certificates on or off (the server asks for them, or not).
  const mtls = config.tls.mtls;
  let server: Server;
  if (config.http) {
    server = createHttpServer(app);
  } else {
    // With TLS 1.3 the client's first request can arrive with its Finished message; Node's HTTP parser then
    // delivers it even though the mTLS check below destroyed the socket. A refused connection is never served.
    const serveUnlessRefused = (req: IncomingMessage, res: ServerResponse) => void (req.socket.destroyed || app(req, res));
    const https = createHttpsServer(await tlsOptionsFor(config, mtls), serveUnlessRefused);
    https.on("secureConnection", (socket: TLSSocket) => {
      if (!mtls) return;
      const reason = refuseClientCertificate(socket, config.tls.allowedClientSubjects);
      if (reason) {
        logger.warn({ remoteAddress: socket.remoteAddress, reason }, "mTLS refused");
        socket.destroy();
      }
    });
    https.on("tlsClientError", (err) => logger.debug({ reason: err.message }, "TLS handshake failed"));
    server = https;
  }
  // Bound how long one request may hold a connection.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  const port = await listen(server, config.port, config.host);

  let admin: Server | undefined;
  let adminUrl: string | undefined;
  const reload = async (next?: ProxyConfig) => {
    const fresh = next ?? (options.reloadSource ? options.reloadSource() : config);
    if (!fresh.http && !config.http && "setSecureContext" in server) {
      // mTLS on or off needs a restart: the new context keeps the running server's setting.
      (server as ReturnType<typeof createHttpsServer>).setSecureContext(await tlsOptionsFor(fresh, mtls));
    }
    runtime = buildRuntime(fresh);
    faults.setConfigFaults(faultsByKeystore(fresh));
    config = fresh;
    logger.info({ keystores: fresh.keystores.map((k) => k.name) }, "configuration reloaded");
  };
  if (config.adminPort !== null) {
    admin = createHttpServer(createAdminApp({ faults, runtime: () => runtime, reload: () => reload() }));
    const adminPort = await listen(admin, config.adminPort, "127.0.0.1");
    adminUrl = `http://127.0.0.1:${adminPort}`;
  }

  const displayHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `${config.http ? "http" : "https"}://${displayHost}:${port}`;
  return {
    url,
    port,
    adminUrl,
    caFile,
    config: () => config,
    faults,
    baseUrl(name?: string) {
      const k = name === undefined ? runtime.keystores.find((x) => x.name === config.keystores[0]!.name) : runtime.keystores.find((x) => x.name === name);
      if (!k) throw new Error(`no keystore named ${name}`);
      return `${url}${k.basePath}`;
    },
    reload,
    async stop() {
      await Promise.all([closeServer(server), admin ? closeServer(admin) : Promise.resolve()]);
    },
  };
}

