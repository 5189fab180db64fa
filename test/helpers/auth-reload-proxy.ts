/**
 * The mock proxy for the SigV4, reload and CLI tests: proxy-fixture.ts's startTestProxy with a stop() that
 * terminates. (There, stop() is assigned onto the proxy object and then calls proxy.stop(), which is itself:
 * an endless promise chain that exhausts the heap.) Same shape: logs, client(), real TLS, the test CA.
 */
import { inject } from "vitest";
import { createLogger } from "../../src/proxy/request-log.js";
import { startProxy, type StartedProxy, type StartProxyOptions } from "../../src/proxy/start-proxy.js";
import type { XksCredential } from "../../src/xks/sigv4/sign.js";
import { XksClient, type XksClientOptions } from "../../harness/xks-client.js";
import { LogCapture, pem, testConfig } from "./proxy-fixture.js";

export type ClientChoice = { keystore?: string; credential?: XksCredential; region?: string } & XksClientOptions;

export interface AuthTestProxy extends StartedProxy {
  logs: LogCapture;
  /** A client of keystore `keystore` (default the first) signing with its first credential unless given one. */
  client(options?: ClientChoice): XksClient;
}

export async function startAuthTestProxy(config = testConfig(), extra: Partial<StartProxyOptions> = {}): Promise<AuthTestProxy> {
  const logs = new LogCapture();
  const proxy = await startProxy({ config, logger: createLogger(config.logLevel, logs), certsDir: inject("pkiDir"), ...extra });
  const stopProxy = proxy.stop.bind(proxy);
  const clients: XksClient[] = [];
  return {
    ...proxy,
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
  };
}
