/**
 * The metrics as a scraper reads them: names and labels as documented (README "Watch"), key-manager states counted
 * from a health answer with every state present, errors labelled with KMS's ErrorType, a deleted store forgotten.
 */
import { describe, expect, it } from "vitest";
import { xksProxyErrorType } from "../xks/index.js";
import { XKS_METRIC_NAMES, XksMetrics } from "./xks-metrics.js";

/** `name{labels} value` lines of the exposition, comments dropped. */
async function samples(m: XksMetrics): Promise<Map<string, number>> {
  const { body } = await m.exposition();
  const out = new Map<string, number>();
  for (const line of body.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe("XksMetrics", () => {
  it("counts key managers by state from a health answer, every state present", async () => {
    const m = new XksMetrics();
    m.setKeyManagerStates("cks-1", [{ healthStatus: "ACTIVE" }, { healthStatus: "ACTIVE" }, { healthStatus: "UNAVAILABLE" }]);
    const s = await samples(m);
    const name = XKS_METRIC_NAMES.XksExternalKeyManagerStates;
    expect(s.get(`${name}{custom_key_store_id="cks-1",state="ACTIVE"}`)).toBe(2);
    expect(s.get(`${name}{custom_key_store_id="cks-1",state="DEGRADED"}`)).toBe(0);
    expect(s.get(`${name}{custom_key_store_id="cks-1",state="UNAVAILABLE"}`)).toBe(1);
  });

  it("labels a call by spec operation name and KMS operation; an error by ErrorType and ExceptionName", async () => {
    const m = new XksMetrics();
    m.observeCall({ customKeyStoreId: "cks-1", xksOperation: "encrypt", kmsOperation: "GenerateDataKey", ms: 12 }, 1_700_000_000_000);
    m.observeCall({
      customKeyStoreId: "cks-1",
      xksOperation: "decrypt",
      kmsOperation: "Decrypt",
      ms: 300,
      error: { errorType: xksProxyErrorType("InternalException"), exceptionName: "InternalException" },
    });
    m.observeCall({ customKeyStoreId: "cks-1", xksOperation: "health", kmsOperation: "KmsHealthCheck", error: { errorType: xksProxyErrorType("TlsFailure"), exceptionName: "TlsFailure" } });
    const s = await samples(m);
    const lat = XKS_METRIC_NAMES.XksProxyLatency;
    expect(s.get(`${lat}_count{custom_key_store_id="cks-1",kms_operation="GenerateDataKey",xks_operation="Encrypt"}`)).toBe(1);
    expect(s.get(`${lat}_bucket{le="0.025",custom_key_store_id="cks-1",kms_operation="GenerateDataKey",xks_operation="Encrypt"}`)).toBe(1);
    expect(s.get(`${lat}_bucket{le="0.25",custom_key_store_id="cks-1",kms_operation="Decrypt",xks_operation="Decrypt"}`)).toBe(0);
    // No answer, no latency sample.
    expect(s.has(`${lat}_count{custom_key_store_id="cks-1",kms_operation="KmsHealthCheck",xks_operation="GetHealthStatus"}`)).toBe(false);
    const err = XKS_METRIC_NAMES.XksProxyErrors;
    expect(s.get(`${err}{custom_key_store_id="cks-1",kms_operation="Decrypt",xks_operation="Decrypt",error_type="Retryable",exception_name="InternalException"}`)).toBe(1);
    expect(s.get(`${err}{custom_key_store_id="cks-1",kms_operation="KmsHealthCheck",xks_operation="GetHealthStatus",error_type="Non-retryable",exception_name="TlsFailure"}`)).toBe(1);
    expect(s.get(`${XKS_METRIC_NAMES.lastSuccess}{custom_key_store_id="cks-1"}`)).toBe(1_700_000_000);
  });

  it("counts a timed-out call at the deadline it hit, answered late or not; no answer otherwise has no latency", async () => {
    const m = new XksMetrics();
    const timeout = { errorType: xksProxyErrorType("Timeout"), exceptionName: "Timeout" };
    m.observeCall({ customKeyStoreId: "cks-1", xksOperation: "encrypt", kmsOperation: "Encrypt", timedOutAfterMs: 250, error: timeout });
    m.observeCall({ customKeyStoreId: "cks-1", xksOperation: "encrypt", kmsOperation: "Encrypt", ms: 900, timedOutAfterMs: 250, error: timeout });
    m.observeCall({ customKeyStoreId: "cks-1", xksOperation: "decrypt", kmsOperation: "Decrypt", error: { errorType: xksProxyErrorType("TcpFailure"), exceptionName: "TcpFailure" } });
    const s = await samples(m);
    const lat = XKS_METRIC_NAMES.XksProxyLatency;
    const enc = 'custom_key_store_id="cks-1",kms_operation="Encrypt",xks_operation="Encrypt"';
    expect(s.get(`${lat}_count{${enc}}`)).toBe(2);
    expect(s.get(`${lat}_sum{${enc}}`)).toBe(0.5);
    expect(s.get(`${lat}_bucket{le="0.25",${enc}}`)).toBe(2);
    expect(s.has(`${lat}_count{custom_key_store_id="cks-1",kms_operation="Decrypt",xks_operation="Decrypt"}`)).toBe(false);
  });

  it("keeps one certificate per store: a renewal under another name replaces the old series", async () => {
    const m = new XksMetrics();
    const name = XKS_METRIC_NAMES.XksProxyCertificateDaysToExpire;
    m.setCertificateDaysToExpire("cks-1", "old.example", 3);
    m.setCertificateDaysToExpire("cks-2", "old.example", 3);
    m.setCertificateDaysToExpire("cks-1", "new.example", 90);
    m.setCertificateDaysToExpire("cks-1", "new.example", 89);
    const s = await samples(m);
    expect([...s].filter(([k]) => k.startsWith(`${name}{`))).toEqual([
      [`${name}{custom_key_store_id="cks-2",certificate_name="old.example"}`, 3],
      [`${name}{custom_key_store_id="cks-1",certificate_name="new.example"}`, 89],
    ]);
    // The replaced series stays gone when the store is forgotten; the new one goes with it.
    m.forgetStore("cks-1");
    expect([...(await samples(m)).keys()].filter((k) => k.includes('"cks-1"'))).toEqual([]);
  });

  it("forgets every series of a deleted store and keeps the others", async () => {
    const m = new XksMetrics();
    for (const id of ["cks-1", "cks-2"]) {
      m.setUp(id, true);
      m.setCredentialAgeDays(id, 3);
      m.setCertificateDaysToExpire(id, "proxy.example", 90);
      m.observeCall({ customKeyStoreId: id, xksOperation: "encrypt", kmsOperation: "Encrypt", ms: 10 });
    }
    m.forgetStore("cks-1");
    const keys = [...(await samples(m)).keys()];
    expect(keys.filter((k) => k.includes('"cks-1"'))).toEqual([]);
    expect(keys.filter((k) => k.includes('"cks-2"')).length).toBeGreaterThan(4);
  });
});
