/**
 * @module proxy/start-proxy
 * Starts the mock: the XKS API over HTTPS (or HTTP), the admin API on 127.0.0.1, hot reload of credentials,
 * keys, faults, limits and the server certificate without a restart and without dropping requests in flight.
 * A reload builds and checks everything first and then swaps it in: it applies in full or not at all.
 */
import { once } from "node:events";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createSecureContext, type TLSSocket } from "node:tls";
import type { Logger } from "pino";
import { defaultCertsDir } from "../pki/certs-dir.js";
import { ensureDevPki } from "../pki/dev-pki-files.js";
import { createAdminApp } from "./admin-app.js";
import { CredentialUse } from "./admin-credential-use.js";
import { removeAdminTokenFile, resolveAdminToken, writeAdminTokenFile } from "./admin-token.js";
import { answerClientError } from "./client-error.js";
import { applyConnectionLimits, closeConnectionsIdleBeforeFirstRequest, HANDSHAKE_TIMEOUT_MS, LISTENER_OPTIONS } from "../net/connection-limits.js";
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
  /**
   * Where the dev PKI and admin token files live (the PKI made on first start when TLS files are not configured).
   * @default defaultCertsDir() (pki/certs-dir)
   */
  certsDir?: string;
  /** @default () => new Date() */
  now?: () => Date;
  /**
   * The admin API's bearer token.
   * @default env XKS_MOCK_ADMIN_TOKEN, else a random one written to <certsDir>/admin-token.<admin port>
   */
  adminToken?: string;
  /** Where XKS_MOCK_ADMIN_TOKEN is read. @default process.env */
  env?: NodeJS.ProcessEnv;
}

export interface StartedProxy {
  /** Origin, e.g. https://127.0.0.1:8443 */
  url: string;
  port: number;
  adminUrl?: string | undefined;
  /** The admin API's bearer token (for in-process callers; never printed). */
  adminToken?: string | undefined;
  /** The file a generated admin token was written to (owner-only; removed by stop()). */
  adminTokenFile?: string | undefined;
  /** The directory of the dev PKI and the admin token file. */
  certsDir: string;
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
/** The admin API's own limits: a few local tools at a time. */
const ADMIN_LIMITS = { idleTimeoutMs: 60_000, headersTimeoutMs: 10_000, maxConnections: 64 };

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
  const certsDir = options.certsDir ?? defaultCertsDir();
  const now = options.now ?? (() => new Date());
  const faults = new FaultRegistry();
  faults.setConfigFaults(faultsByKeystore(config));

  const credentialUse = new CredentialUse();
  const app = createProxyApp({
    runtime: () => runtime,
    faults,
    logger,
    credentialUse,
    ...(options.now ? { now: options.now } : {}),
  });

  let caFile: string | undefined;
  /** The server's TLS options for a configuration; files it does not name come from the dev PKI (made if missing). */
  const tlsOptionsFor = async (c: ProxyConfig, mtls: boolean) => {
    const needsDevPki = !c.tls.certFile || !c.tls.keyFile || (mtls && !c.tls.clientCaFile);
    let fallback = { certFile: "", keyFile: "", caFile: "" };
    if (needsDevPki) {
      // A server certificate + key without the CA is a usable set; client certificates still need the CA.
      const pki = await ensureDevPki(certsDir, { need: mtls && !c.tls.clientCaFile ? ["caCert"] : [], now: now() });
      for (const r of pki.renewed) {
        const fields = { file: r.file, expired: r.oldNotAfter, notAfter: r.newNotAfter };
        logger.warn(fields, "dev certificate renewed from the dev CA (the CA is kept)");
      }
      caFile = pki.absent.includes("caCert") ? undefined : pki.paths.caCert;
      fallback = { certFile: pki.paths.serverCert, keyFile: pki.paths.serverKey, caFile: pki.paths.caCert };
    }
    return httpsServerOptions(readTlsMaterial(c.tls, fallback, now()), mtls);
  };

  // Fixed at start: a reload cannot turn client certificates on or off (the server asks for them, or not).
  const mtls = config.tls.mtls;
  let server: Server;
  if (config.http) {
    server = createHttpServer(LISTENER_OPTIONS, app);
    closeConnectionsIdleBeforeFirstRequest(server, "connection", () => config.limits.idleTimeoutMs);
  } else {
    // With TLS 1.3 the client's first request can arrive with its Finished message; Node's HTTP parser then
    // delivers it even though the mTLS check below destroyed the socket. A refused connection is never served.
    const serveUnlessRefused = (req: IncomingMessage, res: ServerResponse) => void (req.socket.destroyed || app(req, res));
    const https = createHttpsServer({ ...(await tlsOptionsFor(config, mtls)), ...LISTENER_OPTIONS, handshakeTimeout: HANDSHAKE_TIMEOUT_MS }, serveUnlessRefused);
    https.on("secureConnection", (socket: TLSSocket) => {
      if (!mtls) return;
      const reason = refuseClientCertificate(socket, config.tls.allowedClientSubjects);
      if (reason) {
        logger.warn({ remoteAddress: socket.remoteAddress, reason }, "mTLS refused");
        socket.destroy();
      }
    });
    https.on("tlsClientError", (err) => logger.debug({ reason: err.message }, "TLS handshake failed"));
    closeConnectionsIdleBeforeFirstRequest(https, "secureConnection", () => config.limits.idleTimeoutMs);
    server = https;
  }
  // After the TLS material (a refused dev PKI leaves its dir untouched), before anything listens (a bad
  // XKS_MOCK_ADMIN_TOKEN stops the start with nothing to close).
  const env = options.env ?? process.env;
  const adminToken = config.adminPort === null ? undefined : resolveAdminToken({ token: options.adminToken, env });
  applyConnectionLimits(server, config.limits);
  server.on("clientError", answerClientError(logger));
  const port = await listen(server, config.port, config.host);

  let admin: Server | undefined;
  let adminUrl: string | undefined;
  let adminTokenFile: string | undefined;
  /** Everything a new configuration needs, built and checked first; then swapped in, in one tick. */
  const reloadNow = async (next?: ProxyConfig) => {
    const fresh = next ?? (options.reloadSource ? options.reloadSource() : config);
    let tls: Awaited<ReturnType<typeof tlsOptionsFor>> | undefined;
    if (!fresh.http && !config.http && "setSecureContext" in server) {
      // mTLS on or off needs a restart: the new context keeps the running server's setting.
      tls = await tlsOptionsFor(fresh, mtls);
      createSecureContext(tls); // throws here, before anything changed, on a key that does not fit its certificate
    }
    const freshRuntime = buildRuntime(fresh);
    const swapFaults = faults.planConfigFaults(faultsByKeystore(fresh));
    if (tls) (server as ReturnType<typeof createHttpsServer>).setSecureContext(tls);
    swapFaults();
    runtime = freshRuntime;
    credentialUse.prune(freshRuntime);
    config = fresh;
    applyConnectionLimits(server, fresh.limits);
  };
  // One reload at a time (the file watcher and POST /reload may overlap); each is logged, applied or refused.
  let reloading = Promise.resolve();
  const reload = (next?: ProxyConfig): Promise<void> => {
    const run = reloading.then(() =>
      reloadNow(next).then(
        () => logger.info({ keystores: config.keystores.map((k) => k.name) }, "configuration reloaded"),
        (err: Error) => {
          logger.error({ reason: err.message }, "reload refused; keeping the current configuration");
          throw err;
        },
      ),
    );
    reloading = run.catch(() => undefined);
    return run;
  };
  if (config.adminPort !== null) {
    let adminPort = 0;
    const adminApp = createAdminApp({
      faults,
      runtime: () => runtime,
      reload: () => reload(),
      token: adminToken!.token,
      port: () => adminPort,
      credentialUse,
    });
    admin = createHttpServer(LISTENER_OPTIONS, adminApp);
    applyConnectionLimits(admin, ADMIN_LIMITS);
    closeConnectionsIdleBeforeFirstRequest(admin, "connection", () => ADMIN_LIMITS.idleTimeoutMs);
    try {
      adminPort = await listen(admin, config.adminPort, "127.0.0.1");
      // Only now: a mock that could not take the port never touches the token file of the one that has it.
      if (adminToken!.generated) adminTokenFile = writeAdminTokenFile(certsDir, adminPort, adminToken!.token);
    } catch (err) {
      await Promise.all([closeServer(server), admin.listening ? closeServer(admin) : Promise.resolve()]);
      throw err;
    }
    adminUrl = `http://127.0.0.1:${adminPort}`;
  }

  const displayHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `${config.http ? "http" : "https"}://${displayHost}:${port}`;
  return {
    url,
    port,
    adminUrl,
    adminToken: adminToken?.token,
    adminTokenFile,
    certsDir,
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
      if (adminTokenFile) removeAdminTokenFile(adminTokenFile, adminToken!.token);
    },
  };
}

