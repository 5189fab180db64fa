/**
 * `xks-harness conformance` (runConformance) against the real mock over TLS on an ephemeral port: the mock passes
 * clean, mTLS cases run only with a client certificate, cases whose key is not given are skipped and say which flag
 * they need, and the case table covers the AWS test client's 49 cases exactly once.
 */
import { describe, expect, it } from "vitest";
import { runConformance, SETUP_CASE_ID } from "../harness/conformance/run-conformance.js";
import { CONFORMANCE_SUITE } from "../harness/conformance/suite.js";
import { caseOf, caseStatuses, conformanceTarget, describeReport, idsWithStatus, useConformanceProxy } from "./helpers/conformance-proxy.js";
import { pem } from "./helpers/proxy-fixture.js";
import { randomXksCredential } from "../src/client/random-credential.js";

const sorted = (a: string[]) => [...a].sort();
const MTLS_IDS = CONFORMANCE_SUITE.filter((c) => c.needs?.includes("mtls")).map((c) => c.id);

describe("the case table", () => {
  it("has unique ids, and CONFORMANCE_SUITE is what a run reports", () => {
    const ids = CONFORMANCE_SUITE.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(49);
  });

  it("covers every AWS test client case tc-1..tc-49 exactly once, in order, and nothing else as tc-*", () => {
    const tc = CONFORMANCE_SUITE.map((c) => c.id).filter((id) => id.startsWith("tc-"));
    expect(tc).toEqual(Array.from({ length: 49 }, (_, i) => `tc-${i + 1}`));
    for (const c of CONFORMANCE_SUITE.filter((x) => x.id.startsWith("tc-"))) expect(c.section, c.id).toContain(`TC #${c.id.slice(3)}`);
  });

  it("gives every case a title, a section and a level", () => {
    for (const c of CONFORMANCE_SUITE) {
      expect(c.title, c.id).not.toBe("");
      expect(c.section, c.id).not.toBe("");
      expect(["MUST", "SHOULD", "PARITY"], c.id).toContain(c.level);
    }
  });

  it("has mTLS cases (no certificate, wrong CA, wrong subject, accepted)", () => {
    expect(sorted(MTLS_IDS)).toEqual(["mtls-accepted", "mtls-no-certificate", "mtls-wrong-ca", "mtls-wrong-subject"]);
  });
});

describe("against the mock over TLS", () => {
  const mock = useConformanceProxy();

  it("passes every case with all five keys and the second credential; only the mTLS cases are skipped", async () => {
    const report = await runConformance(conformanceTarget(mock.proxy, { secondCredential: mock.second }));
    expect(report.results).toHaveLength(CONFORMANCE_SUITE.length);
    expect(report.results.map((r) => r.id)).toEqual(CONFORMANCE_SUITE.map((c) => c.id));
    expect({ failed: report.failed, warned: report.warned, ok: report.ok }, describeReport(report)).toEqual({ failed: 0, warned: 0, ok: true });
    expect(sorted(idsWithStatus(report, "skip"))).toEqual(sorted(MTLS_IDS));
    expect(report.passed).toBe(CONFORMANCE_SUITE.length - MTLS_IDS.length);
    expect(report.passed + report.failed + report.warned + report.skipped).toBe(report.results.length);
    for (const id of MTLS_IDS) expect(caseOf(report, id).actual).toMatch(/^skipped: needs --client-cert\/--client-key/);
    // A pass still says what it checked, strictly.
    expect(caseOf(report, "tc-30")).toMatchObject({ status: "pass", actual: expect.stringContaining("CDIV verified") });
    expect(caseOf(report, "tc-2")).toMatchObject({ status: "pass", actual: "HTTP 400 ValidationException" });
    expect(caseOf(report, "sigv4-second-credential")).toMatchObject({ status: "pass", level: "SHOULD" });
  });

  it("skips the cases of keys not given, listed with the flag each needs, and still passes", async () => {
    const report = await runConformance(conformanceTarget(mock.proxy, { optionalKeys: false }));
    expect({ failed: report.failed, ok: report.ok }, describeReport(report)).toEqual({ failed: 0, ok: true });
    const skipped = Object.fromEntries(report.results.filter((r) => r.status === "skip").map((r) => [r.id, r.actual]));
    const needs = (flag: string) => `skipped: needs ${flag}`;
    expect(skipped).toEqual({
      "tc-36": needs("--encrypt-only-key-id"),
      "tc-37": needs("--encrypt-only-key-id"),
      "tc-38": needs("--encrypt-only-key-id"),
      "tc-39": needs("--encrypt-only-key-id"),
      "tc-40": needs("--encrypt-only-key-id"),
      "tc-41": needs("--encrypt-only-key-id"),
      "tc-42": needs("--decrypt-only-key-id"),
      "tc-43": needs("--decrypt-only-key-id"),
      "tc-44": needs("--decrypt-only-key-id"),
      "tc-45": needs("--decrypt-only-key-id"),
      "tc-46": needs("--impotent-key-id"),
      "tc-47": needs("--impotent-key-id"),
      "tc-48": needs("--impotent-key-id"),
      "tc-49": needs("--impotent-key-id"),
      "key-disabled-encrypt": needs("--disabled-key-id"),
      "key-disabled-metadata": needs("--disabled-key-id"),
      "sigv4-second-credential": needs("--second-access-key-id"),
      "mtls-accepted": needs("--client-cert/--client-key"),
      "mtls-no-certificate": needs("--client-cert/--client-key"),
      "mtls-wrong-ca": needs("--client-cert/--client-key"),
      "mtls-wrong-subject": needs("--client-cert/--client-key, --client-ca-cert/--client-ca-key"),
    });
    expect(report.skipped).toBe(21);
    expect(report.results.filter((r) => r.status === "skip").every((r) => r.ms === 0 && r.expected === "-")).toBe(true);
  });

  it("fails (not errors) when the second credential given is not the proxy's: a SHOULD case only warns", async () => {
    const report = await runConformance(conformanceTarget(mock.proxy, { secondCredential: randomXksCredential() }));
    expect(caseOf(report, "sigv4-second-credential")).toMatchObject({ status: "warn", actual: expect.stringContaining("401") });
    expect({ failed: report.failed, warned: report.warned, ok: report.ok }, describeReport(report)).toEqual({ failed: 0, warned: 1, ok: true });
  });
});

describe("against a mock that requires mTLS", () => {
  // clientCaFile defaults to the dev CA of certsDir, which signed the dev client certificate (CN cks.kms.us-east-1.amazonaws.com).
  const mock = useConformanceProxy({ tls: { mtls: true } });

  it("passes every case, the four mTLS cases included: nothing skipped", async () => {
    const report = await runConformance(
      conformanceTarget(mock.proxy, {
        secondCredential: mock.second,
        clientCert: { cert: pem("clientCert"), key: pem("clientKey") },
        clientCa: { cert: pem("caCert"), key: pem("caKey") },
      }),
    );
    const statuses = caseStatuses(report);
    expect(Object.fromEntries(MTLS_IDS.map((id) => [id, statuses[id]])), describeReport(report)).toEqual(Object.fromEntries(MTLS_IDS.map((id) => [id, "pass"])));
    expect(caseOf(report, "mtls-no-certificate").actual).toMatch(/^refused: /);
    expect(caseOf(report, "mtls-wrong-subject").actual).toMatch(/^refused: /);
    expect({ passed: report.passed, failed: report.failed, warned: report.warned, skipped: report.skipped, ok: report.ok }, describeReport(report)).toEqual({ passed: CONFORMANCE_SUITE.length, failed: 0, warned: 0, skipped: 0, ok: true });
  });

  it("with no client certificate given, the setup call is refused: one failure naming --client-cert, every case skipped", async () => {
    const report = await runConformance(conformanceTarget(mock.proxy));
    expect({ ok: report.ok, failed: report.failed, skipped: report.skipped }, describeReport(report)).toEqual({ ok: false, failed: 1, skipped: CONFORMANCE_SUITE.length });
    expect(caseOf(report, SETUP_CASE_ID)).toMatchObject({ status: "fail", actual: expect.stringMatching(/^the proxy at https:\/\/\S+ closed the connection without answering \(/) });
    expect(report.setupError?.fix).toBe("a proxy that requires client certificates (mTLS) does this: pass --client-cert and --client-key; otherwise see the proxy's log");
    expect(caseOf(report, "tc-1")).toMatchObject({ status: "skip", actual: "skipped: the setup call failed (connection closed)" });
  });
});
