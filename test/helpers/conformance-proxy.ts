/**
 * The mock proxy and ConformanceTarget builders for the `xks-harness conformance` tests: a real mock on 127.0.0.1
 * over TLS (the run's dev PKI), targets aimed at it, fault injection through its admin API, and compact views of a
 * report for assertions.
 */
import { afterAll, beforeAll } from "vitest";
import type { CaseResult, ConformanceReport, ConformanceTarget } from "../../harness/conformance/types.js";
import type { ResultStatus } from "../../harness/report/result-status.js";
import { defaultConfigInput, PUBLIC_TEST_CREDENTIAL, type ProxyConfig, type ProxyConfigInput } from "../../src/proxy/config-schema.js";
import type { StartedProxy } from "../../src/proxy/start-proxy.js";
import type { XksCredential } from "../../src/xks/sigv4/sign.js";
import { pem, startTestProxy, testConfig, type LogCapture } from "./proxy-fixture.js";
import { randomXksCredential } from "../../src/client/random-credential.js";

export interface ConformanceProxy extends StartedProxy {
  logs: LogCapture;
}

/**
 * The default mock configuration (the AWS test client's prefix and five keys), with these credentials in the
 * `default` keystore and anything else overridden.
 */
export function conformanceConfig(credentials: XksCredential[] = [{ ...PUBLIC_TEST_CREDENTIAL }], overrides: Partial<ProxyConfigInput> = {}): ProxyConfig {
  const [keystore] = defaultConfigInput().keystores;
  return testConfig({ keystores: [{ ...keystore!, credentials }], logLevel: "warn", ...overrides });
}

export function startConformanceProxy(config: ProxyConfig = conformanceConfig()): Promise<ConformanceProxy> {
  return startTestProxy(config);
}

export interface ConformanceMock {
  /** The started mock (read it in hooks and tests, not while the file is collected). */
  readonly proxy: ConformanceProxy;
  /** The `default` keystore's second credential, after the public test one. */
  readonly second: XksCredential;
}

/**
 * Registers hooks on the enclosing describe block (or the file): before its tests a mock whose `default` keystore
 * has the public test credential and a second one (conformanceConfig with `overrides`) starts; after them it stops.
 */
export function useConformanceProxy(overrides: Partial<ProxyConfigInput> = {}): ConformanceMock {
  const second = randomXksCredential();
  let proxy: ConformanceProxy | undefined;
  beforeAll(async () => {
    proxy = await startConformanceProxy(conformanceConfig([{ ...PUBLIC_TEST_CREDENTIAL }, second], overrides));
  });
  afterAll(async () => {
    await proxy?.stop();
  });
  return {
    second,
    get proxy() {
      if (!proxy) throw new Error("the conformance mock is not running (useConformanceProxy starts it in beforeAll)");
      return proxy;
    },
  };
}

/** The mock's default key ids (defaultKeys() in config-schema.ts). */
export const MOCK_KEYS = { keyId: "foo", encryptOnlyKeyId: "encrypt_only_key", decryptOnlyKeyId: "decrypt_only_key", impotentKeyId: "impotent_key", disabledKeyId: "disabled_key" } as const;

export interface TargetOptions {
  /** Signs with this (default: the keystore's first credential). */
  credential?: XksCredential;
  /** Give the encrypt-only, decrypt-only, impotent and disabled keys too. @default true */
  optionalKeys?: boolean;
  secondCredential?: XksCredential;
  clientCert?: { cert: string; key: string };
  clientCa?: { cert: string; key: string };
}

/** A target aimed at the first keystore of a test proxy, trusting the run's dev CA. */
export function conformanceTarget(proxy: StartedProxy, o: TargetOptions = {}): ConformanceTarget {
  const ks = proxy.config().keystores[0]!;
  const credential = o.credential ?? ks.credentials[0]!;
  const optional = o.optionalKeys ?? true;
  return {
    settings: { endpoint: proxy.url, path: new URL(proxy.baseUrl(ks.name)).pathname, accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
    region: "us-east-1",
    keyId: MOCK_KEYS.keyId,
    ...(optional ? { encryptOnlyKeyId: MOCK_KEYS.encryptOnlyKeyId, decryptOnlyKeyId: MOCK_KEYS.decryptOnlyKeyId, impotentKeyId: MOCK_KEYS.impotentKeyId, disabledKeyId: MOCK_KEYS.disabledKeyId } : {}),
    secondCredential: o.secondCredential,
    extraCa: [pem("caCert")],
    clientCert: o.clientCert,
    clientCa: o.clientCa,
    // Generous: the machine running the tests may be busy, and no assertion here depends on a timeout.
    timeoutMs: 10_000,
  };
}

/** id → status of every case, so a failed assertion's diff shows the whole run. */
export function caseStatuses(report: ConformanceReport): Record<string, ResultStatus> {
  return Object.fromEntries(report.results.map((c) => [c.id, c.status]));
}

export function idsWithStatus(report: ConformanceReport, status: ResultStatus): string[] {
  return report.results.filter((c) => c.status === status).map((c) => c.id);
}

export function caseOf(report: ConformanceReport, id: string): CaseResult {
  const c = report.results.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id} in the report`);
  return c;
}

/** Every case that did not pass, with its expected/actual: the message of a failed assertion. */
export function describeReport(report: ConformanceReport): string {
  const lines = report.results.filter((c) => c.status !== "pass").map((c) => `${c.status} ${c.id}: expected ${c.expected}; actual ${c.actual}`);
  return lines.length ? lines.join("\n") : "every case passed";
}
