#!/usr/bin/env node
/**
 * @module bin/xks-mock
 * `xks-mock`: starts the mock XKS proxy and, beside it, the local KMS (the one place that wires the two siblings). Exit 0 on a clean stop, 2 on bad usage or a bad configuration.
 */
import { Command } from "commander";
import { integerOption } from "../cli-options.js";
// Loads no package (its imports are types, and pki/certificate-expiry's are too): `--help` stays commander only.
import { DEFAULT_HEALTH_CHECK_INTERVAL_MS } from "../kms/health-poll.js";
import { versionLine } from "../package-version.js";
import type { MockOptions } from "./xks-mock-main.js";
import { FAILED_START_EXIT_MS, stopSignals } from "./xks-mock-start.js";

// Node 20.18+ is still supported (see README, "Supported Node versions"): the SDK's notice about its coming Node 22 floor is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Commander turns a null from a parser into "", so "off" travels as this sentinel. */
const ADMIN_OFF = -1;

const port = integerOption(0, 65535, "a port number");

const program = new Command()
  .name("xks-mock")
  .description("Mock AWS KMS external key store (XKS) proxy, XKS Proxy API v1")
  .version(versionLine(), "-V, --version", "print the version (package, Node, XKS Proxy API) and exit")
  .option("-c, --config <file>", "JSON config file, reloaded on change and on SIGHUP (env XKS_MOCK_CONFIG)")
  .option("-p, --port <port>", "port of the XKS API (default 8443; 0 = any free port)", port)
  .option("--host <host>", "address to listen on (default 127.0.0.1)")
  .option("--http", "serve plain HTTP instead of HTTPS")
  .option("--mtls", "require a client certificate (CN cks.kms.<region>.amazonaws.com by default)")
  .option("--admin-port <port>", "admin API port on 127.0.0.1 (default 8444; 'off' disables)", (v) => (v === "off" ? ADMIN_OFF : port(v)))
  .option("--certs-dir <dir>", "dev PKI and admin token files (env XKS_MOCK_CERTS_DIR; default: certs/ in a git clone, else ~/.local/state/xks-harness)")
  .option("--log-level <level>", "fatal|error|warn|info|debug|silent (default info)")
  .option("--kms-port <port>", "port of the local KMS beside the proxy (default 4599; 0 = any free port)", port)
  .option("--no-kms", "do not start the local KMS")
  .option("--state <file>", "local KMS state file (custom key stores, keys, aliases); in memory when absent")
  .option("--kms-config <file>", `local cloud JSON: { endpointServices: [...], healthCheckIntervalSeconds: N } (default: one verified VPC endpoint service leading to this proxy; a health check every ${DEFAULT_HEALTH_CHECK_INTERVAL_MS / 1000} s)`)
  .option("--strict", "local KMS: no port in XksProxyUriEndpoint, do not trust the dev CA", false)
  .option("--kms-client-cert <file>", "local KMS: client certificate presented to mTLS proxies, PEM (default with --mtls: the dev PKI's client.pem)")
  .option("--kms-client-key <file>", "local KMS: the key of --kms-client-cert, PEM")
  .option("--no-demo-store", "do not pre-wire the custom key store xks-demo and alias/xks-demo")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

/** Flags first: `--help`, `--version` and bad usage answer before the heavy modules of the run load. */
async function main(signals: ReturnType<typeof stopSignals>): Promise<number> {
  try {
    program.parse();
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 2;
  }
  const opts = program.opts<Omit<MockOptions, "adminPort"> & { adminPort?: number }>();
  const { runMock } = await import("./xks-mock-main.js");
  return runMock({ ...opts, adminPort: opts.adminPort === ADMIN_OFF ? null : opts.adminPort }, signals);
}

const signals = stopSignals();
const code = await main(signals);
process.exitCode = code;
// Anything still open after a stop or a refusal (a client socket, a timer) must not keep the process alive.
setTimeout(() => process.exit(code), FAILED_START_EXIT_MS).unref();
