/**
 * Builders for `xks-harness check` tests: random valid credentials, CheckOptions aimed at a test proxy, fault
 * injection through the mock's admin API, and a compact view of a report for assertions.
 */
import { expect } from "vitest";
import type { XksSettings } from "../../harness/common/settings.js";
import type { CheckId, CheckOptions, CheckReport, CheckResult } from "../../harness/check/types.js";
import type { XksCredential } from "../../src/xks/sigv4/sign.js";
import type { CheckProxy } from "./check-proxy.js";
import { pem, pkiPath } from "./proxy-fixture.js";

/** Settings for `https://localhost:<port>` + path with a credential. */
export function settingsFor(port: number, path: string, credential: XksCredential, host = "localhost"): XksSettings {
  return { endpoint: `https://${host}:${port}`, path, accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey };
}

/** Settings for a keystore of a test proxy (default its first keystore and first credential). */
export function proxySettings(proxy: CheckProxy, o: { keystore?: string; credential?: XksCredential; host?: string } = {}): XksSettings {
  const ks = proxy.config().keystores.find((k) => k.name === (o.keystore ?? proxy.config().keystores[0]!.name))!;
  const path = new URL(proxy.baseUrl(ks.name)).pathname;
  return settingsFor(proxy.port, path, o.credential ?? ks.credentials[0]!, o.host);
}

/**
 * The connection flags of the CLIs for a keystore of a test proxy (default its first): endpoint, path, access key
 * id, the dev CA and --dev. The secret goes in through XKS_SECRET_ACCESS_KEY, as users are told to pass it.
 */
export function targetFlags(proxy: CheckProxy, credential: XksCredential, keystore?: string): string[] {
  const s = proxySettings(proxy, { credential, ...(keystore ? { keystore } : {}) });
  return ["--endpoint", s.endpoint, "--path", s.path, "--access-key-id", s.accessKeyId, "--ca", pkiPath("caCert"), "--dev"];
}

/** Local-use options: --dev, the dev CA as --ca, no keys, no current settings. */
export function checkOptions(settings: XksSettings, over: Partial<CheckOptions> = {}): CheckOptions {
  return { settings, region: "us-east-1", connectivity: "PUBLIC_ENDPOINT", keyIds: [], extraCa: [pem("caCert")], dev: true, timeoutMs: 3000, verbose: false, ...over };
}

export function checkOf(report: CheckReport, id: CheckId): CheckResult {
  const c = report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no ${id} check in the report`);
  return c;
}

/** id → status, for one-glance assertions whose diff shows every check. */
export function statuses(report: CheckReport): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
}

/** Asserts the verdict and the prediction together, so a failure shows all three (and every check's detail). */
export function expectPrediction(report: CheckReport, verdict: "pass" | "fail", predictedException: string | null, predictedConnectionErrorCode: string | null): void {
  expect(
    { verdict: report.verdict, predictedException: report.predictedException, predictedConnectionErrorCode: report.predictedConnectionErrorCode },
    report.checks.map((c) => `${c.id} ${c.status}: ${c.detail}`).join("\n"),
  ).toEqual({ verdict, predictedException, predictedConnectionErrorCode });
}
