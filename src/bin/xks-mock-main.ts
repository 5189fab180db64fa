/**
 * @module bin/xks-mock-main
 * What `xks-mock` does once its flags parsed: config, state file, listeners, banner. Kept apart from the flag
 * declarations in xks-mock.ts so `--help` and `--version` load only commander (the SDK, express and pino load here).
 */
import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import { DEFAULT_KMS_PORT, DEMO_ALIAS, DEMO_STORE_NAME, DEMO_VPC_ALIAS, DEMO_VPC_STORE_NAME, StateFileError, StateStore, ensureDemoStore, startLocalKms, type StartedLocalKms } from "../kms/index.js";
import { XKS_API_SUFFIX, XKS_SIGV4_SERVICE } from "../xks/index.js";
import { isPublicTestCredential, type ProxyConfig } from "../proxy/config-schema.js";
import { ConfigError, loadConfig, type ConfigOverrides } from "../proxy/load-config.js";
import { createLogger } from "../proxy/request-log.js";
import { DEFAULT_ENDPOINT_SERVICE_NAME, DEFAULT_PRIVATE_DNS_NAME, defaultEndpointServices, type EndpointServicesConfigInput } from "../ec2/index.js";
import { LocalCloudConfigError, readLocalCloudConfig, type LocalCloudConfig } from "./local-cloud-config.js";
import { FAILED_START_EXIT_MS, listenFailure, portClash, type stopSignals } from "./xks-mock-start.js";
import { devKmsClientCert, KmsClientCertError, readKmsClientCert } from "./kms-client-cert.js";
import { DEV_PKI_FILES, DevPkiIncompleteError } from "../pki/dev-pki-files.js";
import { CertsDirError, chooseCertsDir, type CertsDirChoice } from "../pki/certs-dir.js";
import { X509Certificate } from "node:crypto";
import { dirname, join } from "node:path";
import type { ClientCertificatePem } from "../pki/client-certificate.js";
import { startProxy, type StartedProxy } from "../proxy/start-proxy.js";
import { watchConfig } from "../proxy/watch-config.js";

/** The parsed flags of `xks-mock`; adminPort null means "off". */
export interface MockOptions {
  config?: string;
  port?: number;
  host?: string;
  http?: boolean;
  mtls?: boolean;
  adminPort?: number | null;
  certsDir?: string;
  logLevel?: string;
  kmsPort?: number;
  kms: boolean;
  state?: string;
  kmsConfig?: string;
  strict: boolean;
  demoStore: boolean;
  kmsClientCert?: string;
  kmsClientKey?: string;
}

/** Why the certs directory is where it is, in the banner's words. */
const CERTS_DIR_SOURCES: Record<CertsDirChoice["source"], string> = {
  flag: "--certs-dir",
  env: "XKS_MOCK_CERTS_DIR",
  checkout: "this checkout's certs/",
  state: "per-user state directory, kept across upgrades; --certs-dir DIR for another",
};

/** The CA's SHA-256 fingerprint, as browsers and `openssl x509 -fingerprint -sha256` show it. */
function caFingerprint(caFile: string): string {
  return new X509Certificate(readFileSync(caFile)).fingerprint256;
}

function banner(proxy: StartedProxy, certs: CertsDirChoice): string {
  const config = proxy.config();
  const lines = [`xks-mock listening on ${proxy.url}`];
  if (proxy.adminUrl) {
    lines.push(`  admin API:  ${proxy.adminUrl} (faults, reload; 127.0.0.1 only; Authorization: Bearer <token>)`);
    // Where the token is, never the token itself.
    lines.push(`  admin token: ${proxy.adminTokenFile ?? "$XKS_MOCK_ADMIN_TOKEN"}`);
  }
  if (proxy.caFile || proxy.adminTokenFile) {
    lines.push(`  certs dir:  ${certs.dir} (${CERTS_DIR_SOURCES[certs.source]})`);
  }
  if (proxy.caFile) lines.push(`  CA file:    ${proxy.caFile} (SHA-256 ${caFingerprint(proxy.caFile)})`);
  let usesPublic = false;
  for (const k of config.keystores) {
    lines.push(`  keystore ${k.name}: ${proxy.baseUrl(k.name)}`);
    lines.push(`    XksProxyUriPath: ${k.pathPrefix}${XKS_API_SUFFIX}   access key ids: ${k.credentials.map((c) => c.accessKeyId).join(", ")}`);
    lines.push(`    keys: ${k.keys.map((key) => key.id).join(", ") || "(none)"}`);
    usesPublic ||= k.credentials.some(isPublicTestCredential);
  }
  const first = config.keystores[0]!;
  const cred = first.credentials[0]!;
  const isPublic = isPublicTestCredential(cred);
  // Only the public test secret is ever printed; any other is referred to through an environment variable.
  const user = isPublic ? `${cred.accessKeyId}:${cred.secretAccessKey}` : `${cred.accessKeyId}:$XKS_SECRET_ACCESS_KEY`;
  // With --mtls and the dev CA, the dev client certificate (KMS's subject) is what curl presents too.
  const devDir = proxy.caFile ? dirname(proxy.caFile) : undefined;
  const mtlsCurl = config.tls.mtls && devDir && !config.tls.clientCaFile ? `--cert ${join(devDir, DEV_PKI_FILES.clientCert)} --key ${join(devDir, DEV_PKI_FILES.clientKey)} ` : "";
  lines.push("  try it:");
  lines.push(
    `    curl ${proxy.caFile ? `--cacert ${proxy.caFile} ` : ""}${mtlsCurl}--aws-sigv4 "aws:amz:us-east-1:${XKS_SIGV4_SERVICE}" --user "${user}" \\\n` +
      `      -H "Content-Type: application/json" -d '{"requestMetadata":{"kmsRequestId":"demo-1","kmsOperation":"KmsHealthCheck"}}' \\\n` +
      `      ${proxy.baseUrl()}/health`,
  );
  if (usesPublic) lines.push("  WARNING: the AWS test client's public credential is in use. Anyone can sign with it; never put real keys behind it.");
  return lines.join("\n");
}

/**
 * Pre-wires the demo stores (unless told otherwise) and says where the local KMS is: a public one, and a VPC one
 * through the default endpoint service when no --kms-config replaced it. A failure is only a banner line.
 * Returns the banner's lines (printed with the proxy's, after the log lines the pre-wiring writes).
 */
async function announceKms(
  proxy: StartedProxy,
  kms: StartedLocalKms,
  o: { state?: string; demoStore: boolean; kmsConfig?: string },
): Promise<string> {
  const lines = [`local KMS on ${kms.url} (AWS JSON 1.1 and the EC2 endpoint-service calls; any credentials; state ${o.state ?? "in memory"})`];
  lines.push(`  metrics:    ${kms.url}/metrics (Prometheus: the stores' CloudWatch metrics, as \`xks-harness watch\` names them)`);
  const config = proxy.config();
  const first = config.keystores[0]!;
  if (o.demoStore && !config.http && first.keys.some((k) => k.id === "foo")) {
    const target = { path: `${first.pathPrefix}${XKS_API_SUFFIX}`, ...first.credentials[0]!, xksKeyId: "foo" };
    const stores = [
      { name: DEMO_STORE_NAME, alias: DEMO_ALIAS, how: "", t: { ...target, endpoint: proxy.url.replace("//127.0.0.1:", "//localhost:") } },
      ...(o.kmsConfig
        ? []
        : [{ name: DEMO_VPC_STORE_NAME, alias: DEMO_VPC_ALIAS, how: ` via VPC endpoint service ${DEFAULT_ENDPOINT_SERVICE_NAME}`, t: { ...target, endpoint: `https://${DEFAULT_PRIVATE_DNS_NAME}`, vpcEndpointServiceName: DEFAULT_ENDPOINT_SERVICE_NAME } }]),
    ];
    for (const store of stores) {
      try {
        const demo = await ensureDemoStore(kms, store.t);
        lines.push(`  custom key store ${store.name} (${demo.customKeyStoreId}) CONNECTED${store.how}; KMS key ${store.alias} → external key foo`);
      } catch (err) {
        lines.push(`  could not pre-wire ${store.name}: ${(err as Error).name}: ${(err as Error).message}`);
      }
    }
    // Dummy credentials: the local KMS takes any, and the CLI refuses to sign without some.
    lines.push(
      "  try: AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local " +
        `aws kms encrypt --endpoint-url ${kms.url} --region us-east-1 --key-id ${DEMO_ALIAS} ` +
        "--plaintext fileb://<(echo hello)",
    );
  }
  return lines.join("\n");
}

/** The local KMS beside the proxy, on the state store main() opened before anything listened. */
function startKmsBeside(
  proxy: StartedProxy,
  store: StateStore,
  o: { kmsPort?: number; strict: boolean; endpointServices: EndpointServicesConfigInput; healthCheckIntervalMs?: number | undefined; clientCert?: ClientCertificatePem | undefined },
  logger: Logger,
): Promise<StartedLocalKms> {
  return startLocalKms({
    port: o.kmsPort ?? DEFAULT_KMS_PORT,
    store,
    clientCert: o.clientCert,
    endpointServices: o.endpointServices,
    healthCheckIntervalMs: o.healthCheckIntervalMs,
    strict: o.strict,
    extraCa: proxy.caFile ? [readFileSync(proxy.caFile, "utf8")] : [],
    logger,
  });
}

/**
 * Start-up in the order that lets every failure exit 2 with nothing left behind: config, the state file
 * (checked and locked), then TLS material and the listeners (proxy, admin, KMS). A failed step closes what the
 * earlier ones opened.
 */
export async function runMock(opts: MockOptions, signals: ReturnType<typeof stopSignals>): Promise<number> {
  const flags: ConfigOverrides = { port: opts.port, host: opts.host, http: opts.http, mtls: opts.mtls, adminPort: opts.adminPort, logLevel: opts.logLevel };
  const configFile = opts.config ?? (process.env.XKS_MOCK_CONFIG || undefined);
  const load = () => loadConfig({ file: configFile, env: process.env, flags });
  const usage = (message: string) => {
    process.stderr.write(`xks-mock: ${message}\n`);
    return 2;
  };

  let config: ProxyConfig;
  let store: StateStore | undefined;
  let localCloud: LocalCloudConfig | undefined;
  let kmsClientCert: ClientCertificatePem | undefined;
  const kmsListener = { flag: "--kms-port", what: "local KMS", port: opts.kmsPort ?? DEFAULT_KMS_PORT };
  let proxyListeners: Parameters<typeof listenFailure>[1];
  try {
    config = load();
    proxyListeners = [
      { flag: "--port", what: "XKS API", port: config.port },
      { flag: "--admin-port", what: "admin API", port: config.adminPort },
    ];
    const clash = portClash([...proxyListeners, ...(opts.kms ? [kmsListener] : [])]);
    if (clash) return usage(clash);
    localCloud = opts.kms && opts.kmsConfig ? readLocalCloudConfig(opts.kmsConfig) : undefined;
    kmsClientCert = readKmsClientCert(opts.kmsClientCert, opts.kmsClientKey);
    store = opts.kms ? StateStore.open(opts.state) : undefined;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StateFileError || err instanceof LocalCloudConfigError || err instanceof KmsClientCertError) return usage(err.message);
    throw err;
  }

  const logger = createLogger(config.logLevel);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch((err: Error) => logger.error({ reason: err.message }, "stop failed"));
  };
  if (store) closers.push(() => store.close());
  const failStart = async (message: string) => {
    process.stderr.write(`xks-mock: ${message}\n`);
    // startProxy does not close its XKS listener when the admin one fails: exit regardless once the rest is closed.
    setTimeout(() => process.exit(2), FAILED_START_EXIT_MS).unref();
    await closeAll();
    return 2;
  };
  const describeFailure = (err: unknown, listener: Parameters<typeof listenFailure>[1]) => {
    // A certs dir that cannot be written fails with EACCES too: it is said as what it is, never as a listen error.
    const said = err instanceof CertsDirError || err instanceof DevPkiIncompleteError || err instanceof ConfigError;
    if (said) return err.message;
    return listenFailure(err, listener) ?? `could not start: ${(err as Error)?.message ?? String(err)}`;
  };

  const certs = chooseCertsDir({ flag: opts.certsDir });
  let proxy: StartedProxy;
  try {
    proxy = await startProxy({ config, reloadSource: load, logger, certsDir: certs.dir });
  } catch (err) {
    return failStart(describeFailure(err, proxyListeners));
  }
  closers.push(() => proxy.stop());
  let kms: StartedLocalKms | undefined;
  if (store) {
    try {
      // stop() of the KMS closes the store: it replaces the store's own closer.
      closers.shift();
      // The dev PKI exists once the proxy started: with --mtls it verified clients against the dev CA.
      const devClient = kmsClientCert ? undefined : devKmsClientCert(config, certs.dir);
      if (devClient) process.stderr.write(`local KMS presents the client certificate ${devClient.file} to mTLS proxies\n`);
      kms = await startKmsBeside(
        proxy,
        store,
        { ...opts, endpointServices: localCloud?.endpointServices ?? defaultEndpointServices(proxy.url), healthCheckIntervalMs: localCloud?.healthCheckIntervalMs, clientCert: kmsClientCert ?? devClient?.pem },
        logger,
      );
    } catch (err) {
      return failStart(describeFailure(err, [kmsListener]));
    }
    closers.push(() => kms!.stop());
  }
  const watcher = watchConfig(configFile, () => proxy.reload(), logger);
  closers.push(async () => watcher.close());
  // The banner comes last and whole: the pre-wiring's log lines go before it, never between its lines.
  const kmsLines = kms && !signals.requested() ? await announceKms(proxy, kms, opts) : undefined;
  // pino writes stdout asynchronously: what it was given so far goes out first.
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  if (!signals.requested()) process.stderr.write(`${[banner(proxy, certs), kmsLines].filter(Boolean).join("\n")}\n`);
  await signals.stopped;
  await closeAll();
  return 0;
}

