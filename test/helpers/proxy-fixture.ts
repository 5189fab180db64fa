/**
 * Starts real mock proxies on 127.0.0.1 with ephemeral ports and real TLS, and clients that trust the test CA.
 * startTestProxy is the one way the tests start a mock in-process (the check, conformance, proxy-api, SigV4 and
 * reload tests included).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { inject } from "vitest";
import { DEV_PKI_FILES } from "../../src/pki/dev-pki-files.js";
import { defaultConfigInput, type ProxyConfigInput } from "../../src/proxy/config-schema.js";
import { parseProxyConfig } from "../../src/proxy/load-config.js";
import { createLogger } from "../../src/proxy/request-log.js";
import { startProxy, type StartedProxy, type StartProxyOptions } from "../../src/proxy/start-proxy.js";
import { XksClient, type XksClientOptions } from "../../src/client/index.js";
import type { XksCredential } from "../../src/xks/sigv4/sign.js";

export function pkiPath(file: keyof typeof DEV_PKI_FILES): string {
  return join(inject("pkiDir"), DEV_PKI_FILES[file]);
}

export function pem(file: keyof typeof DEV_PKI_FILES): string {
  return readFileSync(pkiPath(file), "utf8");
}

/** Captures every log line the proxy writes, for assertions and the leak scan. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join("\n");
  }
  records(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  /** Requests the mock answered: it logs one line with the status per request. */
  answered(): number {
    return this.records().filter((r) => typeof r.status === "number").length;
  }
}

/** Which keystore a test proxy's client aims at and how it signs, plus the client's own options. */
export type ClientChoice = { keystore?: string; credential?: XksCredential; region?: string } & XksClientOptions;

export interface TestProxy extends StartedProxy {
  logs: LogCapture;
  /** A client of keystore `keystore` (default the first) signing with its first credential, unless given one. */
  client(options?: ClientChoice): XksClient;
}

/** The admin token of in-process test proxies: given, so that none writes an admin-token file into the shared PKI dir. */
export const TEST_ADMIN_TOKEN = randomBytes(24).toString("base64url");

export function testConfig(overrides: Partial<ProxyConfigInput> = {}) {
  return parseProxyConfig({ ...defaultConfigInput(), port: 0, adminPort: 0, logLevel: "info", ...overrides });
}

export async function startTestProxy(config = testConfig(), extra: Partial<StartProxyOptions> = {}): Promise<TestProxy> {
  const logs = new LogCapture();
  const proxy = await startProxy({ config, logger: createLogger(config.logLevel, logs), certsDir: inject("pkiDir"), adminToken: TEST_ADMIN_TOKEN, ...extra });
  const clients: XksClient[] = [];
  // Keep the started proxy's own stop: Object.assign below replaces proxy.stop, which would then call itself forever.
  const stopProxy = proxy.stop.bind(proxy);
  return Object.assign(proxy, {
    logs,
    client(o: ClientChoice = {}) {
      const name = o.keystore ?? proxy.config().keystores[0]!.name;
      const ks = proxy.config().keystores.find((k) => k.name === name);
      if (!ks) throw new Error(`no keystore named ${name}`);
      const c = new XksClient(
        { baseUrl: proxy.baseUrl(ks.name), region: o.region ?? "us-east-1", credential: o.credential ?? ks.credentials[0]! },
        { ca: pem("caCert"), ...o },
      );
      clients.push(c);
      return c;
    },
    async stop() {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await stopProxy();
    },
  });
}
