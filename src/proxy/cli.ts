#!/usr/bin/env node
/**
 * @module proxy/cli
 * `xks-mock`: starts the mock XKS proxy. Exit 0 on a clean stop, 2 on bad usage or a bad configuration.
 */
import { Command, InvalidArgumentError } from "commander";
import { XKS_SIGV4_SERVICE } from "../xks/constants.js";
import { PUBLIC_TEST_CREDENTIAL } from "./config-schema.js";
import { ConfigError, loadConfig, type ConfigOverrides } from "./load-config.js";
import { createLogger } from "./request-log.js";
import { startProxy, type StartedProxy } from "./start-proxy.js";
import { watchConfig } from "./watch-config.js";

function port(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError("must be a port number 0-65535");
  return Number(value);
}

const program = new Command()
  .name("xks-mock")
  .description("Mock AWS KMS external key store (XKS) proxy, XKS Proxy API v1")
  .option("-c, --config <file>", "JSON config file, reloaded on change and on SIGHUP (env XKS_MOCK_CONFIG)")
  .option("-p, --port <port>", "port of the XKS API (default 8443; 0 = any free port)", port)
  .option("--host <host>", "address to listen on (default 127.0.0.1)")
  .option("--http", "serve plain HTTP instead of HTTPS")
  .option("--mtls", "require a client certificate (CN cks.kms.<region>.amazonaws.com by default)")
  .option("--admin-port <port>", "admin API port on 127.0.0.1 (default 8444; 'off' disables)", (v) => (v === "off" ? null : port(v)))
  .option("--certs-dir <dir>", "where the dev PKI is kept (default: the package's certs/)")
  .option("--log-level <level>", "fatal|error|warn|info|debug|silent (default info)")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

function banner(proxy: StartedProxy): string {
  const config = proxy.config();
  const lines = [`xks-mock listening on ${proxy.url}`];
  if (proxy.adminUrl) lines.push(`  admin API:  ${proxy.adminUrl} (faults, reload; 127.0.0.1 only)`);
  if (proxy.caFile) lines.push(`  CA file:    ${proxy.caFile}`);
  let usesPublic = false;
  for (const k of config.keystores) {
    lines.push(`  keystore ${k.name}: ${proxy.baseUrl(k.name)}`);
    lines.push(`    XksProxyUriPath: ${k.pathPrefix}/kms/xks/v1   access key ids: ${k.credentials.map((c) => c.accessKeyId).join(", ")}`);
    lines.push(`    keys: ${k.keys.map((key) => key.id).join(", ") || "(none)"}`);
    usesPublic ||= k.credentials.some((c) => c.accessKeyId === PUBLIC_TEST_CREDENTIAL.accessKeyId && c.secretAccessKey === PUBLIC_TEST_CREDENTIAL.secretAccessKey);
  }
  const first = config.keystores[0]!;
  const cred = first.credentials[0]!;
  const isPublic = cred.accessKeyId === PUBLIC_TEST_CREDENTIAL.accessKeyId && cred.secretAccessKey === PUBLIC_TEST_CREDENTIAL.secretAccessKey;
  // Only the public test secret is ever printed; any other is referred to through an environment variable.
  const user = isPublic ? `${cred.accessKeyId}:${cred.secretAccessKey}` : `${cred.accessKeyId}:$XKS_SECRET_ACCESS_KEY`;
  lines.push("  try it:");
  lines.push(
    `    curl ${proxy.caFile ? `--cacert ${proxy.caFile} ` : ""}--aws-sigv4 "aws:amz:us-east-1:${XKS_SIGV4_SERVICE}" --user "${user}" \\\n` +
      `      -H "Content-Type: application/json" -d '{"requestMetadata":{"kmsRequestId":"demo-1","kmsOperation":"KmsHealthCheck"}}' \\\n` +
      `      ${proxy.baseUrl()}/health`,
  );
  if (usesPublic) lines.push("  WARNING: the AWS test client's public credential is in use. Anyone can sign with it; never put real keys behind it.");
  return lines.join("\n");
}

async function main(): Promise<number> {
  try {
    program.parse();
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 2;
  }
  const opts = program.opts<{ config?: string; port?: number; host?: string; http?: boolean; mtls?: boolean; adminPort?: number | null; certsDir?: string; logLevel?: string }>();
  const flags: ConfigOverrides = { port: opts.port, host: opts.host, http: opts.http, mtls: opts.mtls, adminPort: opts.adminPort, logLevel: opts.logLevel };
  const configFile = opts.config ?? (process.env.XKS_MOCK_CONFIG || undefined);
  const load = () => loadConfig({ file: configFile, env: process.env, flags });
  let proxy: StartedProxy;
  try {
    const config = load();
    const logger = createLogger(config.logLevel);
    proxy = await startProxy({ config, reloadSource: load, logger, ...(opts.certsDir ? { certsDir: opts.certsDir } : {}) });
    const watcher = watchConfig(configFile, () => proxy.reload(), logger);
    process.stderr.write(`${banner(proxy)}\n`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    watcher.close();
    await proxy.stop();
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`xks-mock: ${err.message}\n`);
      return 2;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES") {
      process.stderr.write(`xks-mock: cannot listen: ${(err as Error).message}. Fix: choose another --port / --admin-port\n`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = await main();
