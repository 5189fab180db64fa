/**
 * @module metrics/xks-metrics
 * KMS's CloudWatch metrics for an external key store (namespace AWS/KMS; AWS KMS Developer Guide, "Monitor external
 * key stores"), as Prometheus metrics seen from our side of the proxy: `xks-harness watch` records the calls it
 * makes, the local KMS the calls it makes for its stores. One name per CloudWatch metric, one label per dimension
 * (snake case), so a dashboard or alert written for one reads the other. The table in README "Watch" lists them.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { HEALTH_STATUSES, XKS_API_NAMES, type XksOperation, type XksProxyErrorType } from "../xks/index.js";

/** Prometheus names of the metrics, by the CloudWatch metric each one mirrors. */
export const XKS_METRIC_NAMES = {
  XksProxyLatency: "xks_proxy_latency_seconds",
  XksProxyErrors: "xks_proxy_errors_total",
  XksExternalKeyManagerStates: "xks_external_key_manager_states",
  XksProxyCertificateDaysToExpire: "xks_proxy_certificate_days_to_expire",
  XksProxyCredentialAge: "xks_proxy_credential_age_days",
  /**
   * No CloudWatch twin: when the last call succeeded (Unix seconds), and whether the proxy answered the last health
   * check (watch: the last round, which always has a GetHealthStatus; the local KMS: its last GetHealthStatus).
   */
  lastSuccess: "xks_proxy_last_success_timestamp_seconds",
  up: "xks_proxy_up",
} as const;

/**
 * Latency buckets in seconds: fine below KMS's 250 ms timeout, with 0.2 (AWS's recommended latency alarm) and
 * 0.25 (the timeout itself) as edges, and a few above for a proxy that answers too late.
 */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.5, 1, 2.5];

/** One proxy call as KMS's metrics count it. */
export interface ProxyCall {
  /** The CustomKeyStoreId dimension; "" when the caller has no store (watch without --custom-key-store-id). */
  customKeyStoreId: string;
  xksOperation: XksOperation;
  /** The KmsOperation dimension: Encrypt, Decrypt, GenerateDataKey, KmsHealthCheck, … */
  kmsOperation: string;
  /** Milliseconds from send to the whole answer; undefined when none came. */
  ms?: number | undefined;
  /**
   * The deadline the call hit, in ms, when it timed out (KMS stopped waiting there): the call counts at it, answered
   * late or not, as an average-latency alarm must see it. Undefined when it did not time out.
   */
  timedOutAfterMs?: number | undefined;
  /** Undefined for a success. */
  error?: { errorType: XksProxyErrorType; exceptionName: string } | undefined;
}

export class XksMetrics {
  readonly registry = new Registry();
  readonly #latency: Histogram<"custom_key_store_id" | "kms_operation" | "xks_operation">;
  readonly #errors: Counter<"custom_key_store_id" | "kms_operation" | "xks_operation" | "error_type" | "exception_name">;
  readonly #keyManagers: Gauge<"custom_key_store_id" | "state">;
  readonly #certificateDays: Gauge<"custom_key_store_id" | "certificate_name">;
  readonly #credentialAge: Gauge<"custom_key_store_id">;
  readonly #lastSuccess: Gauge<"custom_key_store_id">;
  readonly #up: Gauge<"custom_key_store_id">;
  /**
   * The label sets each store has used, per metric: prom-client removes a series only by its full label set, and a
   * deleted store's latency and error series carry operation labels too.
   */
  readonly #seriesOfStore = new Map<string, Map<string, () => void>>();

  constructor() {
    const registers = [this.registry];
    this.#latency = new Histogram({
      name: XKS_METRIC_NAMES.XksProxyLatency,
      help: "Time the proxy took to answer, by XKS and KMS operation (CloudWatch XksProxyLatency)",
      labelNames: ["custom_key_store_id", "kms_operation", "xks_operation"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#errors = new Counter({
      name: XKS_METRIC_NAMES.XksProxyErrors,
      help: "Failed proxy calls, by error type (Retryable / Non-retryable, as KMS classifies) and exception name (CloudWatch XksProxyErrors)",
      labelNames: ["custom_key_store_id", "kms_operation", "xks_operation", "error_type", "exception_name"],
      registers,
    });
    this.#keyManagers = new Gauge({
      name: XKS_METRIC_NAMES.XksExternalKeyManagerStates,
      help: "External key managers in each health state, from the last GetHealthStatus answer (CloudWatch XksExternalKeyManagerStates)",
      labelNames: ["custom_key_store_id", "state"],
      registers,
    });
    this.#certificateDays = new Gauge({
      name: XKS_METRIC_NAMES.XksProxyCertificateDaysToExpire,
      help: "Days until the proxy's TLS certificate expires, by certificate name (CloudWatch XksProxyCertificateDaysToExpire)",
      labelNames: ["custom_key_store_id", "certificate_name"],
      registers,
    });
    this.#credentialAge = new Gauge({
      name: XKS_METRIC_NAMES.XksProxyCredentialAge,
      help: "Days since the key store's proxy authentication credential was set (CloudWatch XksProxyCredentialAge)",
      labelNames: ["custom_key_store_id"],
      registers,
    });
    this.#lastSuccess = new Gauge({
      name: XKS_METRIC_NAMES.lastSuccess,
      help: "Unix time of the last proxy call that succeeded",
      labelNames: ["custom_key_store_id"],
      registers,
    });
    this.#up = new Gauge({
      name: XKS_METRIC_NAMES.up,
      help: "1 when the proxy answered the last health check (watch: the last round of calls; the local KMS: the last GetHealthStatus), 0 when it could not be reached",
      labelNames: ["custom_key_store_id"],
      registers,
    });
  }

  /**
   * Records one call: its latency, an error when it failed, the time when it succeeded. The latency (XksProxyLatency)
   * is the answer's time, or the deadline for a call that timed out; a call without an answer otherwise (a refused
   * connection, a TLS failure) has none.
   */
  observeCall(call: ProxyCall, now = Date.now()): void {
    const labels = { custom_key_store_id: call.customKeyStoreId, kms_operation: call.kmsOperation, xks_operation: XKS_API_NAMES[call.xksOperation] };
    const ms = call.timedOutAfterMs ?? call.ms;
    if (ms !== undefined) {
      this.#latency.observe(labels, ms / 1000);
      this.#remember(call.customKeyStoreId, "latency", labels, () => this.#latency.remove(labels));
    }
    if (call.error) {
      const errorLabels = { ...labels, error_type: call.error.errorType, exception_name: call.error.exceptionName };
      this.#errors.inc(errorLabels);
      this.#remember(call.customKeyStoreId, "errors", errorLabels, () => this.#errors.remove(errorLabels));
    } else this.#lastSuccess.set({ custom_key_store_id: call.customKeyStoreId }, now / 1000);
  }

  /** Counts the key managers of a GetHealthStatus answer by state; every state is set, 0 when none is in it. */
  setKeyManagerStates(customKeyStoreId: string, fleet: readonly { healthStatus: (typeof HEALTH_STATUSES)[number] }[]): void {
    for (const state of HEALTH_STATUSES) {
      this.#keyManagers.set({ custom_key_store_id: customKeyStoreId, state }, fleet.filter((k) => k.healthStatus === state).length);
    }
  }

  /**
   * The store's certificate: it replaces the store's earlier one, so a certificate renewed under another name (or a
   * store moved to another endpoint) does not leave the old name's series, and its alert, behind.
   */
  setCertificateDaysToExpire(customKeyStoreId: string, certificateName: string, days: number): void {
    const series = this.#seriesOfStore.get(customKeyStoreId);
    const key = this.#key("certificate", { custom_key_store_id: customKeyStoreId, certificate_name: certificateName });
    for (const [k, remove] of series ?? []) {
      if (k.startsWith(`certificate\0`) && k !== key) {
        remove();
        series!.delete(k);
      }
    }
    const labels = { custom_key_store_id: customKeyStoreId, certificate_name: certificateName };
    this.#certificateDays.set(labels, days);
    this.#remember(customKeyStoreId, "certificate", labels, () => this.#certificateDays.remove(labels));
  }

  setCredentialAgeDays(customKeyStoreId: string, days: number): void {
    this.#credentialAge.set({ custom_key_store_id: customKeyStoreId }, days);
  }

  setUp(customKeyStoreId: string, up: boolean): void {
    this.#up.set({ custom_key_store_id: customKeyStoreId }, up ? 1 : 0);
  }

  /** Drops every series of a store (a deleted store should not keep alerting). */
  forgetStore(customKeyStoreId: string): void {
    for (const remove of this.#seriesOfStore.get(customKeyStoreId)?.values() ?? []) remove();
    this.#seriesOfStore.delete(customKeyStoreId);
    for (const state of HEALTH_STATUSES) this.#keyManagers.remove({ custom_key_store_id: customKeyStoreId, state });
    for (const m of [this.#credentialAge, this.#lastSuccess, this.#up]) m.remove({ custom_key_store_id: customKeyStoreId });
  }

  #remember(customKeyStoreId: string, metric: string, labels: Record<string, string>, remove: () => void): void {
    let series = this.#seriesOfStore.get(customKeyStoreId);
    if (!series) this.#seriesOfStore.set(customKeyStoreId, (series = new Map()));
    const key = this.#key(metric, labels);
    if (!series.has(key)) series.set(key, remove);
  }

  #key(metric: string, labels: Record<string, string>): string {
    return `${metric}\0${Object.values(labels).join("\0")}`;
  }

  /** The exposition text and its content type, for a GET /metrics. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
