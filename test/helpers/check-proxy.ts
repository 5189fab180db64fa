/**
 * The mock proxy for the `xks-harness check` tests: proxy-fixture.ts's startTestProxy (real TLS, the run's dev PKI,
 * every log line captured); the check tests use only its logs.
 */
import type { StartedProxy } from "../../src/proxy/start-proxy.js";
import { LogCapture, startTestProxy, testConfig } from "./proxy-fixture.js";

export interface CheckProxy extends StartedProxy {
  logs: LogCapture;
}

export function startCheckProxy(config = testConfig()): Promise<CheckProxy> {
  return startTestProxy(config);
}
