/**
 * Mutation tests of the conformance suite: the mock breaks one spec rule at a time (fault type "mutation", added
 * through its admin API) and the suite must fail the run, name the cases that catch the break, say what it expected
 * and what came back, and keep passing the cases the break does not touch. Other fault types too: an injected error
 * or a dropped connection fail the cases they hit; added latency fails nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runConformance } from "../harness/conformance/run-conformance.js";
import { CONFORMANCE_SUITE } from "../harness/conformance/suite.js";
import type { ConformanceReport } from "../harness/conformance/types.js";
import { MUTATIONS, type Mutation } from "../src/proxy/mutate.js";
import { caseOf, conformanceTarget, describeReport, idsWithStatus, useConformanceProxy } from "./helpers/conformance-proxy.js";
import { addFault, clearFaults } from "./helpers/admin-faults.js";

const mock = useConformanceProxy();
afterEach(async () => {
  await clearFaults(mock.proxy);
});

const run = () => runConformance(conformanceTarget(mock.proxy, { secondCredential: mock.second }));
const ids = (prefix: string) => CONFORMANCE_SUITE.map((c) => c.id).filter((id) => id.startsWith(prefix));
const tc = (...n: number[]) => n.map((i) => `tc-${i}`);
const sorted = (a: string[]) => [...a].sort();

/** SigV4 cases that send a bad signature (the others sign correctly and must get 200). */
const SIGV4_NEGATIVES = ids("sigv4-").filter((id) => id !== "sigv4-content-type-signed" && id !== "sigv4-second-credential");
/** Every case that sends an encrypt expecting a ciphertext (directly, or as the setup of a decrypt). */
const ENCRYPT_OK = [
  ...tc(20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39),
  "meta-unknown-operation",
  "meta-unknown-fields",
  "size-arn-2048",
  "size-plaintext-4300",
  "size-aad-8192",
  ...ids("tamper-"),
  "aad-moved-into-metadata",
  "parallel-encrypts",
];
/** Error answers the suite demands, apart from 404 InvalidUriPathException (the mock answers that before it knows the keystore's mutations). */
const ERROR_CASES = [...tc(2, 3, 4, 5, 9, 10, 11, 12, 13, 15, 16, 17, 18, 21, 23, 25, 37, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49), ...SIGV4_NEGATIVES, "size-key-id-128", "key-disabled-encrypt", ...ids("tamper-"), "aad-moved-into-metadata"];

interface MutationCase {
  mutation: Mutation;
  /** These cases, and no others, fail. */
  exactly?: string[];
  /** At least these fail (the break reaches many cases). */
  including?: string[];
  /** Unrelated cases that must still pass. */
  stillPass: string[];
  /** One failing case and what its `actual` must show. */
  evidence: { id: string; expected: RegExp; actual: RegExp };
}

const MUTATION_CASES: MutationCase[] = [
  {
    mutation: "accept-any-signature",
    exactly: [...tc(4, 5, 12, 13, 17, 18), ...SIGV4_NEGATIVES],
    stillPass: [...tc(1, 6, 7, 14, 19, 20, 21), "sigv4-content-type-signed", "sigv4-second-credential"],
    evidence: { id: "tc-4", expected: /^401 AuthenticationFailedException$/, actual: /^HTTP 200 \{"xksProxyFleetSize"/ },
  },
  {
    mutation: "skip-skew-check",
    exactly: ["sigv4-stale-date", "sigv4-future-date"],
    stillPass: [...tc(1, 4, 5), "sigv4-wrong-secret", "sigv4-body-changed"],
    evidence: { id: "sigv4-stale-date", expected: /^401 AuthenticationFailedException$/, actual: /^HTTP 200 / },
  },
  {
    mutation: "wrong-iv-length",
    including: ENCRYPT_OK,
    stillPass: [...tc(1, 7, 15, 16, 40, 41, 42, 46), ...ids("sigv4-"), ...ids("http-get-")],
    evidence: { id: "tc-20", expected: /IV \(12\|16 B\)/, actual: /initializationVector decodes to 8 bytes; it must be 12 or 16 bytes/ },
  },
  {
    mutation: "missing-cdiv",
    exactly: tc(30, 31, 32, 33),
    stillPass: tc(20, 26, 27, 28, 29, 34, 35, 40, 41),
    evidence: { id: "tc-32", expected: /^ciphertextDataIntegrityValue \(SHA_256 was requested\)$/, actual: /^HTTP 200 \{"ciphertext":/ },
  },
  {
    mutation: "wrong-cdiv",
    exactly: tc(30, 31, 32, 33),
    stillPass: tc(20, 26, 27, 28, 29, 34, 35, 40, 41),
    evidence: { id: "tc-30", expected: /^CDIV \S+ \(recomputed: SHA-256 of AAD, metadata, IV, ciphertext, tag\)$/, actual: /^[A-Za-z0-9+/]{43}=$/ },
  },
  {
    mutation: "ignore-aad",
    exactly: tc(21, 23, 25),
    stillPass: [...tc(20, 27, 29, 31, 35), "aad-moved-into-metadata", "tamper-ciphertext"],
    evidence: { id: "tc-25", expected: /^400 InvalidCiphertextException$/, actual: /^HTTP 200 \{"plaintext":/ },
  },
  {
    mutation: "get-200",
    exactly: ids("http-get-"),
    stillPass: tc(1, 7, 20, 21),
    evidence: { id: "http-get-encrypt", expected: /^405 Method Not Allowed$/, actual: /^HTTP 200 / },
  },
  {
    mutation: "error-without-json",
    including: ERROR_CASES,
    stillPass: [...tc(1, 7, 8, 20, 27, 29), ...ids("http-get-"), "parallel-encrypts"],
    evidence: { id: "tc-11", expected: /^404 KeyNotFoundException$/, actual: /^HTTP 404 error$/ },
  },
  {
    mutation: "garbled-plaintext",
    exactly: [...tc(27, 29, 31, 33, 35), "size-plaintext-4300", "size-aad-8192", "parallel-encrypts"],
    stillPass: [...tc(1, 7, 20, 26, 28, 30, 32, 34), "meta-unknown-fields"],
    evidence: { id: "tc-27", expected: /^200, the original plaintext$/, actual: /^a different plaintext$/ },
  },
  {
    mutation: "ciphertext-longer",
    including: ENCRYPT_OK,
    stillPass: [...tc(1, 7, 15, 16, 40, 41, 42, 46), ...ids("sigv4-"), ...ids("http-get-")],
    evidence: { id: "tc-20", expected: /^ciphertext of \d+ bytes \(GCM keeps the length\)$/, actual: /^\d+ bytes$/ },
  },
  {
    mutation: "key-spec-rsa",
    exactly: tc(7, 8),
    stillPass: [...tc(1, 9, 10, 11, 20), "metadata-key-usage-bound", "key-disabled-metadata"],
    evidence: { id: "tc-7", expected: /keySpec AES_256/, actual: /"keySpec":"RSA_0"/ },
  },
];

function failedOrWarned(report: ConformanceReport): string[] {
  return report.results.filter((r) => r.status === "fail" || r.status === "warn").map((r) => r.id);
}

describe("each mutation of the mock", () => {
  it("is covered here, one case per mutation", () => {
    expect(sorted(MUTATION_CASES.map((m) => m.mutation))).toEqual(sorted([...MUTATIONS]));
  });

  it.each(MUTATION_CASES)("$mutation: the run fails on the cases that catch it, the rest still pass", async (m) => {
    await addFault(mock.proxy, "default", { type: "mutation", mutation: m.mutation });
    const report = await run();
    const why = describeReport(report);
    expect(report.ok, why).toBe(false);
    if (m.exactly) expect(sorted(failedOrWarned(report)), why).toEqual(sorted(m.exactly));
    if (m.including) expect(failedOrWarned(report), why).toEqual(expect.arrayContaining(m.including));
    // MUST and PARITY cases fail, they do not merely warn.
    for (const id of m.exactly ?? m.including ?? []) expect(caseOf(report, id).status, `${id}\n${why}`).toBe("fail");
    const notPassing = m.stillPass.filter((id) => caseOf(report, id).status !== "pass");
    expect(notPassing, why).toEqual([]);
    const e = caseOf(report, m.evidence.id);
    expect(e.expected).toMatch(m.evidence.expected);
    expect(e.actual).toMatch(m.evidence.actual);
    expect(report.failed).toBe(idsWithStatus(report, "fail").length);
  });
});

describe("other faults", () => {
  it("an injected InternalException on health fails tc-1 (and what reads health), nothing else", async () => {
    await addFault(mock.proxy, "default", { type: "error", errorName: "InternalException", operation: "health" });
    const report = await run();
    expect(report.ok).toBe(false);
    expect(caseOf(report, "tc-1")).toMatchObject({
      status: "fail",
      expected: "200 with a health document (fleet size > 0, 1-10 ekmFleetDetails, status enum)",
      actual: 'HTTP 500 {"errorName":"InternalException","errorMessage":"injected InternalException"}',
    });
    // Only cases whose request goes to /health and gets past SigV4 meet the fault.
    const failed = failedOrWarned(report);
    expect(failed).toEqual(expect.arrayContaining(["tc-1", "meta-unknown-health-operation", "sigv4-content-type-signed", "sigv4-second-credential", "size-oversize-aad"]));
    expect(failed.filter((id) => !/^(tc-[123]|meta-unknown-health-operation|sigv4-content-type-signed|sigv4-second-credential|size-oversize-aad)$/.test(id)), describeReport(report)).toEqual([]);
    expect(caseOf(report, "tc-4").status).toBe("pass");
    expect(caseOf(report, "tc-7").status).toBe("pass");
  });

  it("a dropped connection on encrypt fails the encrypt cases with no answer; metadata and health still pass", async () => {
    await addFault(mock.proxy, "default", { type: "close-connection", operation: "encrypt" });
    const report = await run();
    expect(report.ok).toBe(false);
    for (const id of [...tc(15, 16, 20, 21, 26, 30, 34, 36, 42, 46), "parallel-encrypts", "size-plaintext-4300"]) {
      expect(caseOf(report, id), id).toMatchObject({ status: "fail", expected: "an answer", actual: expect.stringMatching(/^no answer: /) });
    }
    // SigV4 and the path are checked before faults apply; health and metadata are other operations.
    for (const id of [...tc(1, 2, 7, 11, 17, 18, 19), ...ids("sigv4-"), "http-get-encrypt"]) expect(caseOf(report, id).status, `${id}\n${describeReport(report)}`).toBe("pass");
  });

  it("added latency fails nothing", async () => {
    await addFault(mock.proxy, "default", { type: "latency", ms: 20 });
    const report = await run();
    expect({ ok: report.ok, failed: report.failed, warned: report.warned, skipped: report.skipped }, describeReport(report)).toEqual({ ok: true, failed: 0, warned: 0, skipped: 4 });
    // The delay was there: every request to a routed API after SigV4 waited for it.
    expect(caseOf(report, "tc-1").ms).toBeGreaterThanOrEqual(20);
    expect(caseOf(report, "tc-27").ms).toBeGreaterThanOrEqual(40);
  });

  it("with the faults cleared the same proxy passes clean again", async () => {
    const report = await run();
    expect({ ok: report.ok, failed: report.failed, warned: report.warned, skipped: report.skipped }, describeReport(report)).toEqual({ ok: true, failed: 0, warned: 0, skipped: 4 });
  });
});
