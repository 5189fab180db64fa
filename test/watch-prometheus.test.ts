/**
 * `xks-harness watch` under a real Prometheus: the shipped rules pass `promtool check rules` and use only the
 * metric names of src/metrics/xks-metrics.ts; Prometheus scrapes watch while the mock injects latency, errors and
 * an UNAVAILABLE key manager, and the matching alert rules go to firing (read through /api/v1/alerts). The rules
 * have no `for:` clause, so the shipped file is loaded as it is. Without prometheus/promtool the tests skip with
 * the reason, except on CI (CI=true), where they fail.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomXksCredential } from "../src/client/index.js";
import { XKS_METRIC_NAMES } from "../src/metrics/xks-metrics.js";
import { addFault, clearFaults } from "./helpers/admin-faults.js";
import { targetFlags } from "./helpers/check-options.js";
import { startCheckProxy, type CheckProxy } from "./helpers/check-proxy.js";
import { prometheusMissing, spawnWatch, startPrometheus, type StartedPrometheus, type WatchProcess } from "./helpers/prometheus.js";
import { testConfig } from "./helpers/proxy-fixture.js";

const RULES = "docs/prometheus-alerts.yml";
const missing = prometheusMissing();

describe("docs/prometheus-alerts.yml", () => {
  it.skipIf(missing)(`passes promtool check rules${missing ? ` (skipped: ${missing})` : ""}`, () => {
    const out = execFileSync("promtool", ["check", "rules", RULES], { encoding: "utf8" });
    expect(out).toContain("SUCCESS: 5 rules found");
  });

  it("names only metrics that src/metrics/xks-metrics.ts defines, and has the five alerts", () => {
    const text = readFileSync(RULES, "utf8");
    const exprs = [...text.matchAll(/expr: (?:>-\n)?([\s\S]*?)\n\s+labels:/g)].map((m) => m[1]!);
    expect(exprs).toHaveLength(5);
    const known = new Set(Object.values(XKS_METRIC_NAMES).flatMap((n) => [n, `${n}_sum`, `${n}_count`, `${n}_bucket`]));
    const used = new Set(exprs.flatMap((e) => e.match(/\bxks_[a-z_]+/g) ?? []));
    expect([...used].filter((n) => !known.has(n))).toEqual([]);
    for (const name of [XKS_METRIC_NAMES.XksProxyCertificateDaysToExpire, XKS_METRIC_NAMES.XksProxyErrors, XKS_METRIC_NAMES.up, XKS_METRIC_NAMES.XksExternalKeyManagerStates]) {
      expect(used, name).toContain(name);
    }
    expect(used).toContain(`${XKS_METRIC_NAMES.XksProxyLatency}_sum`);
    expect([...text.matchAll(/- alert: (\w+)/g)].map((m) => m[1])).toEqual([
      "XksProxyCertificateExpiresSoon",
      "XksProxyLatencyHigh",
      "XksProxyRetryableErrors",
      "XksProxyNonRetryableErrors",
      "XksProxyUnreachable",
    ]);
  });
});

describe.skipIf(missing)(`Prometheus scrapes watch and the alerts fire${missing ? ` (skipped: ${missing})` : ""}`, () => {
  const cred = randomXksCredential();
  let proxy: CheckProxy;
  let watch: WatchProcess;
  let prom: StartedPrometheus;

  beforeAll(async () => {
    proxy = await startCheckProxy(testConfig({ keystores: [{ name: "ks", pathPrefix: "/prom", credentials: [cred], keySeed: "prometheus test key seed", keys: [{ id: "foo" }] }] }));
    // Slow from the first call on, so the 5-minute average holds slow calls only.
    await addFault(proxy, "ks", { type: "latency", ms: 230 });
    watch = spawnWatch(
      [...targetFlags(proxy, cred), "--key-id", "foo", "--interval", "1", "--metrics-port", "0", "--custom-key-store-id", "cks-prometheus"],
      { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey },
    );
    const start = await watch.waitFor((e) => e.event === "start", 10_000);
    prom = await startPrometheus({ targets: [new URL(String(start.metrics)).host], rulesFile: RULES });
  }, 30_000);

  afterAll(async () => {
    await prom?.stop();
    await watch?.stop();
    await proxy?.stop();
  });

  /** Polls /api/v1/alerts until `alertname` is firing; its labels and annotations. */
  async function firing(alertname: string, deadlineMs: number) {
    const end = Date.now() + deadlineMs;
    let seen: unknown = [];
    while (Date.now() < end) {
      const alerts = await prom.alerts();
      const hit = alerts.find((a) => a.labels.alertname === alertname && a.state === "firing");
      if (hit) return hit;
      seen = alerts;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${alertname} not firing within ${deadlineMs} ms; alerts: ${JSON.stringify(seen)}\nprometheus: ${prom.log()}\nwatch: ${JSON.stringify(watch.events)}`);
  }

  it("latency over 200 ms: XksProxyLatencyHigh fires; the certificate is scraped by its CN and does not alert", async () => {
    const alert = await firing("XksProxyLatencyHigh", 15_000);
    expect(alert.labels.custom_key_store_id).toBe("cks-prometheus");
    expect(alert.annotations.description).toContain("KMSInvalidStateException");
    const cert = await prom.query(XKS_METRIC_NAMES.XksProxyCertificateDaysToExpire);
    expect(cert[0]?.metric.certificate_name).toBe("localhost");
    expect(Number(cert[0]?.value[1])).toBeGreaterThan(10);
    expect((await prom.alerts()).some((a) => a.labels.alertname === "XksProxyCertificateExpiresSoon")).toBe(false);
  }, 20_000);

  it("errors: XksProxyRetryableErrors (500 InternalException) and XksProxyNonRetryableErrors (403 AccessDeniedException) fire", async () => {
    await clearFaults(proxy);
    await addFault(proxy, "ks", { type: "error", operation: "health", errorName: "InternalException" });
    await addFault(proxy, "ks", { type: "error", operation: "metadata", errorName: "AccessDeniedException" });
    await firing("XksProxyRetryableErrors", 20_000);
    await firing("XksProxyNonRetryableErrors", 20_000);
    const errors = await prom.query(`sum by (error_type, exception_name) (${XKS_METRIC_NAMES.XksProxyErrors})`);
    expect(errors.map((e) => `${e.metric.error_type} ${e.metric.exception_name}`)).toEqual(expect.arrayContaining(["Retryable InternalException", "Non-retryable AccessDeniedException"]));
  }, 45_000);

  it("every key manager UNAVAILABLE: XksProxyUnreachable fires and the states gauge shows it", async () => {
    // The errors of the test before keep it failing until they are cleared: what comes after is this test's.
    const cleared = watch.events.length;
    await clearFaults(proxy);
    // Out of failing first, so the log's next failing is the one this fault makes (healthy, or degraded if only
    // this machine's latency is over 200 ms: either way not failing).
    const recovered = await watch.waitFor((e) => e.event === "state" && e.from === "failing" && watch.events.indexOf(e) >= cleared, 10_000);
    await addFault(proxy, "ks", { type: "health-status", status: "UNAVAILABLE" });
    const alert = await firing("XksProxyUnreachable", 15_000);
    expect(alert.labels.custom_key_store_id).toBe("cks-prometheus");
    const states = await prom.query(`${XKS_METRIC_NAMES.XksExternalKeyManagerStates}{state="UNAVAILABLE"}`);
    expect(Number(states[0]?.value[1])).toBeGreaterThan(0);
    await watch.waitFor(
      (e) => e.event === "state" && e.to === "failing" && watch.events.indexOf(e) > watch.events.indexOf(recovered) && JSON.stringify(e.reasons).includes("every key manager is UNAVAILABLE"),
      5000,
    );
  }, 30_000);
});
