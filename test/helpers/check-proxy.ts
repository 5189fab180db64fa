/**
 * The mock proxy for the `xks-harness check` tests. proxy-fixture.ts's startTestProxy cannot be used as it is:
 * its stop() is assigned onto the proxy and then calls proxy.stop(), i.e. itself, forever (heap exhaustion). This
 * keeps the started proxy's own stop().
 */
import { inject } from "vitest";
import { createLogger } from "../../src/proxy/request-log.js";
import { startProxy, type StartedProxy } from "../../src/proxy/start-proxy.js";
import { LogCapture, testConfig } from "./proxy-fixture.js";

export interface CheckProxy extends StartedProxy {
  logs: LogCapture;
}

export async function startCheckProxy(config = testConfig()): Promise<CheckProxy> {
  const logs = new LogCapture();
  const proxy = await startProxy({ config, logger: createLogger(config.logLevel, logs), certsDir: inject("pkiDir") });
  return Object.assign(proxy, { logs });
}
