/**
 * `xks-harness check` (runCheck) against the real mock proxy over TLS on an ephemeral port, with faults injected
 * through its admin API: each check's pass and fail, and the UpdateCustomKeyStore exception and
 * ConnectCustomKeyStore ConnectionErrorCode the harness predicts for each failure (spec, "Error codes → KMS considerations").
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../harness/check/run-check.js";
import { CHECK_IDS } from "../harness/check/types.js";
import { KMS_FAILURE_OUTCOMES } from "../src/xks/kms-failures.js";
import { XKS_ERROR_NAMES } from "../src/xks/errors.js";
import { checkOf, checkOptions, expectPrediction, proxySettings, settingsFor, statuses } from "./helpers/check-options.js";
import { closedPort } from "./helpers/check-servers.js";
import { startCheckProxy, type CheckProxy } from "./helpers/check-proxy.js";
import { testConfig } from "./helpers/proxy-fixture.js";
import { addFault, clearFaults } from "./helpers/admin-faults.js";
import { randomXksCredential } from "../src/client/random-credential.js";

const KS = "check";
const PATH = "/check/tests/kms/xks/v1";
const main = randomXksCredential();
const second = randomXksCredential();
let proxy: CheckProxy;

beforeAll(async () => {
  proxy = await startCheckProxy(
    testConfig({ keystores: [{ name: KS, pathPrefix: "/check/tests", credentials: [main, second], keys: [{ id: "foo" }, { id: "encrypt_only_key", usage: ["ENCRYPT"] }] }] }),
  );
});
afterAll(async () => {
  await proxy?.stop();
});
afterEach(async () => {
  await clearFaults(proxy);
});

const UNREACHABLE = "XksProxyUriUnreachableException";
const INVALID_RESPONSE = "XksProxyInvalidResponseException";

describe("a healthy mock", () => {
  it("passes with warnings only where --dev relaxes KMS rules (port, localhost, dev CA)", async () => {
    const report = await runCheck(checkOptions(proxySettings(proxy)));
    expect(report.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    expect(statuses(report)).toEqual({
      input: "warn",
      "vpc-endpoint-service": "skip",
      dns: "pass",
      tcp: "pass",
      tls: "warn",
      auth: "pass",
      "rejects-bad-signature": "pass",
      path: "pass",
      latency: "pass",
      keys: "skip",
      continuity: "skip",
    });
    expectPrediction(report, "pass", null, null);
    expect(checkOf(report, "input").detail).toMatch(/port/);
    expect(checkOf(report, "input").detail).toMatch(/not a fully qualified domain name/);
    expect(checkOf(report, "tls").detail).toMatch(/not in KMS's trusted CA list \(allowed with --dev\)/);
    expect(checkOf(report, "keys").detail).toBe("skipped: no --key-id given");
    // Every warning comes with a one-line fix (docs/check-report.md: fix on fail and warn).
    for (const c of report.checks.filter((x) => x.status === "warn")) expect(c.fix, c.id).toMatch(/\S/);
    expect(report.timings.authMs).toBeGreaterThan(0);
    expect(report.timings.latencyP50Ms).toBeGreaterThan(0);
  });

  it("checks the keys given with --key-id: metadata and an encrypt/decrypt round trip", async () => {
    const report = await runCheck(checkOptions(proxySettings(proxy), { keyIds: ["foo"] }));
    expect(checkOf(report, "keys")).toMatchObject({ status: "pass", detail: expect.stringMatching(/^foo: AES_256 ENCRYPT\+DECRYPT ENABLED, round trip/) });
    expectPrediction(report, "pass", null, null);
  });

  it("fails keys for a key CreateKey would refuse (no DECRYPT), and for an unknown key id", async () => {
    const report = await runCheck(checkOptions(proxySettings(proxy), { keyIds: ["encrypt_only_key", "no_such_key"] }));
    const keys = checkOf(report, "keys");
    expect(keys.status).toBe("fail");
    expect(keys.detail).toMatch(/encrypt_only_key: GetKeyMetadata .*CreateKey would refuse it/);
    expect(keys.detail).toMatch(/no_such_key: GetKeyMetadata: HTTP 404 KeyNotFoundException/);
    // UpdateCustomKeyStore itself does not touch keys: no exception predicted, but the verdict is fail.
    expectPrediction(report, "fail", null, null);
  });

  it("fails keys when encrypt returns a ciphertext one byte longer than the plaintext, though its CDIV matches", async () => {
    await addFault(proxy, KS, { type: "mutation", mutation: "ciphertext-longer" });
    const report = await runCheck(checkOptions(proxySettings(proxy), { keyIds: ["foo"] }));
    expect(checkOf(report, "keys")).toMatchObject({
      status: "fail",
      detail: "foo: Encrypt: encrypt answer breaks the spec: ciphertext decodes to 33 bytes; it must be 32 bytes, the plaintext's length (AES-GCM keeps it)",
    });
  });

  it("passes continuity when the current settings are a second credential of the same key store", async () => {
    const report = await runCheck(checkOptions(proxySettings(proxy, { credential: second }), { keyIds: ["foo"], current: proxySettings(proxy, { credential: main }) }));
    expect(checkOf(report, "continuity")).toMatchObject({ status: "pass", detail: "foo current → new: ok\nfoo new → current: ok" });
    expectPrediction(report, "pass", null, null);
  });

  it("works with an IP endpoint too (--dev), and says the IP is only a warning there", async () => {
    const report = await runCheck(checkOptions(proxySettings(proxy, { host: "127.0.0.1" })));
    expect(checkOf(report, "input").detail).toMatch(/\(warning\) XksProxyUriEndpoint is an IP address/);
    expect(checkOf(report, "dns")).toMatchObject({ status: "pass", detail: "127.0.0.1 is an IPv4 literal; nothing to resolve" });
    expectPrediction(report, "pass", null, null);
  });
});

describe("credential and path mistakes", () => {
  it("wrong secret → auth fails as XksProxyIncorrectAuthenticationCredentialException / INVALID_CREDENTIALS", async () => {
    const report = await runCheck(checkOptions(proxySettings(proxy, { credential: { accessKeyId: main.accessKeyId, secretAccessKey: randomXksCredential().secretAccessKey } })));
    expect(checkOf(report, "auth")).toMatchObject({ status: "fail", failure: "AuthenticationFailedException", detail: "HTTP 401 AuthenticationFailedException" });
    expectPrediction(report, "fail", "XksProxyIncorrectAuthenticationCredentialException", "INVALID_CREDENTIALS");
    expect(checkOf(report, "rejects-bad-signature")).toMatchObject({ status: "skip", detail: "skipped: auth failed" });
    expect(checkOf(report, "latency")).toMatchObject({ status: "skip", detail: "skipped: auth failed" });
    // The path probe does not depend on the credential.
    expect(checkOf(report, "path").status).toBe("pass");
  });

  it("unknown access key id → the same prediction", async () => {
    const report = await runCheck(checkOptions(proxySettings(proxy, { credential: { accessKeyId: randomXksCredential().accessKeyId, secretAccessKey: main.secretAccessKey } })));
    expect(checkOf(report, "auth")).toMatchObject({ status: "fail", failure: "AuthenticationFailedException" });
    expectPrediction(report, "fail", "XksProxyIncorrectAuthenticationCredentialException", "INVALID_CREDENTIALS");
  });

  it("wrong path → auth fails as XksProxyInvalidConfigurationException / XKS_PROXY_INVALID_CONFIGURATION", async () => {
    const settings = { ...proxySettings(proxy), path: "/check/wrong/kms/xks/v1" };
    const report = await runCheck(checkOptions(settings));
    expect(checkOf(report, "auth")).toMatchObject({ status: "fail", failure: "InvalidUriPathException", detail: "HTTP 404 InvalidUriPathException" });
    expect(checkOf(report, "auth").fix).toMatch(/XksProxyUriPath/);
    expectPrediction(report, "fail", "XksProxyInvalidConfigurationException", "XKS_PROXY_INVALID_CONFIGURATION");
  });
});

describe("unreachable proxies", () => {
  it("closed port → tcp fails as XksProxyUriUnreachableException / XKS_PROXY_NOT_REACHABLE, the rest skipped with the reason", async () => {
    const port = await closedPort();
    const report = await runCheck(checkOptions(settingsFor(port, PATH, main, "127.0.0.1")));
    expect(checkOf(report, "tcp")).toMatchObject({ status: "fail", failure: "TcpFailure", detail: `127.0.0.1:${port}: nothing listens on 127.0.0.1:${port} (connection refused)` });
    expectPrediction(report, "fail", UNREACHABLE, "XKS_PROXY_NOT_REACHABLE");
    expect(statuses(report)).toMatchObject({ input: "warn", dns: "pass", tcp: "fail", tls: "skip", auth: "skip", "rejects-bad-signature": "skip", path: "skip", latency: "skip", keys: "skip", continuity: "skip" });
    expect(checkOf(report, "tls").detail).toBe("skipped: tcp failed");
    expect(checkOf(report, "auth").detail).toBe("skipped: tls was skipped");
    expect(checkOf(report, "path").detail).toBe("skipped: tls was skipped");
  });

  it("unresolvable host (.invalid) → dns fails as XksProxyUriUnreachableException / XKS_PROXY_NOT_REACHABLE", async () => {
    const report = await runCheck(checkOptions({ ...proxySettings(proxy), endpoint: "https://nonexistent.invalid" }, { timeoutMs: 2000 }));
    expect(checkOf(report, "input").status).toBe("pass");
    expect(checkOf(report, "dns")).toMatchObject({ status: "fail", failure: "DnsFailure", detail: expect.stringMatching(/^nonexistent\.invalid does not resolve/) });
    expectPrediction(report, "fail", UNREACHABLE, "XKS_PROXY_NOT_REACHABLE");
    expect(checkOf(report, "tcp").detail).toBe("skipped: dns failed");
  });

  it("slow proxy (1500 ms on health, timeout 1000 ms) → auth times out: XksProxyUriUnreachableException / XKS_PROXY_TIMED_OUT", async () => {
    await addFault(proxy, KS, { type: "latency", ms: 1500, operation: "health" });
    const report = await runCheck(checkOptions(proxySettings(proxy), { timeoutMs: 1000 }));
    expect(checkOf(report, "auth")).toMatchObject({ status: "fail", failure: "Timeout", detail: "no response within 1000 ms" });
    expectPrediction(report, "fail", UNREACHABLE, "XKS_PROXY_TIMED_OUT");
  });

  it("latency of 300 ms → auth passes but latency fails over KMS's 250 ms budget", async () => {
    // Two uses: the auth call and the latency check's first call (bad signatures and the wrong path never reach faults).
    await addFault(proxy, KS, { type: "latency", ms: 300, operation: "health", times: 2 });
    const report = await runCheck(checkOptions(proxySettings(proxy), { timeoutMs: 3000 }));
    expect(checkOf(report, "auth").status).toBe("pass");
    expect(report.timings.authMs).toBeGreaterThanOrEqual(300);
    const latency = checkOf(report, "latency");
    expect(latency).toMatchObject({ status: "fail", failure: "Timeout", detail: expect.stringMatching(/over the 250 ms KMS waits/) });
    expect(report.timings.latencyMaxMs).toBeGreaterThanOrEqual(300);
    expectPrediction(report, "fail", UNREACHABLE, "XKS_PROXY_TIMED_OUT");
  });
});

describe("health answers KMS cannot use", () => {
  it.each(["not-json", "wrong-schema", "empty"] as const)("malformed health (%s) → XksProxyInvalidResponseException / XKS_PROXY_INVALID_RESPONSE", async (body) => {
    await addFault(proxy, KS, { type: "malformed", body, operation: "health" });
    const report = await runCheck(checkOptions(proxySettings(proxy)));
    expect(checkOf(report, "auth")).toMatchObject({ status: "fail", failure: "MalformedResponse", detail: expect.stringMatching(/^200, but the health document breaks the spec/) });
    expectPrediction(report, "fail", INVALID_RESPONSE, "XKS_PROXY_INVALID_RESPONSE");
  });

  it("a closed connection instead of an answer → XksProxyInvalidResponseException", async () => {
    await addFault(proxy, KS, { type: "close-connection", operation: "health" });
    const report = await runCheck(checkOptions(proxySettings(proxy)));
    expect(checkOf(report, "auth")).toMatchObject({ status: "fail", failure: "MalformedResponse" });
    expectPrediction(report, "fail", INVALID_RESPONSE, "XKS_PROXY_INVALID_RESPONSE");
  });

  it("every key manager UNAVAILABLE → auth fails as XksProxyUriUnreachableException / XKS_PROXY_NOT_REACHABLE", async () => {
    await addFault(proxy, KS, { type: "health-status", status: "UNAVAILABLE", operation: "health" });
    const report = await runCheck(checkOptions(proxySettings(proxy)));
    expect(checkOf(report, "auth")).toMatchObject({ status: "fail", failure: "AllKeyManagersUnavailable", detail: expect.stringMatching(/every key manager is UNAVAILABLE/) });
    expectPrediction(report, "fail", UNREACHABLE, "XKS_PROXY_NOT_REACHABLE");
  });

  it("DEGRADED key managers → auth warns, verdict pass", async () => {
    await addFault(proxy, KS, { type: "health-status", status: "DEGRADED", operation: "health" });
    const report = await runCheck(checkOptions(proxySettings(proxy)));
    expect(checkOf(report, "auth")).toMatchObject({ status: "warn", detail: expect.stringMatching(/mock-ekm-1=DEGRADED: not every key manager is ACTIVE/) });
    expectPrediction(report, "pass", null, null);
  });
});

describe("errorName answers to GetHealthStatus (spec table rows with a Create/Update exception)", () => {
  // Transcribed from the spec table (ValidationException, AuthenticationFailed, InvalidUriPath, DependencyTimeout, Throttling, Internal) and the KMS API's ConnectionErrorCodes.
  const ROWS = [
    { errorName: "ValidationException", exception: INVALID_RESPONSE, code: "XKS_PROXY_INVALID_RESPONSE" },
    { errorName: "AuthenticationFailedException", exception: "XksProxyIncorrectAuthenticationCredentialException", code: "INVALID_CREDENTIALS" },
    { errorName: "InvalidUriPathException", exception: "XksProxyInvalidConfigurationException", code: "XKS_PROXY_INVALID_CONFIGURATION" },
    { errorName: "DependencyTimeoutException", exception: UNREACHABLE, code: "XKS_PROXY_TIMED_OUT" },
    { errorName: "ThrottlingException", exception: UNREACHABLE, code: "XKS_PROXY_NOT_REACHABLE" },
    { errorName: "InternalException", exception: INVALID_RESPONSE, code: "XKS_PROXY_INVALID_RESPONSE" },
  ] as const;

  it("covers every errorName the failure table maps for Create/Update", () => {
    const mapped = XKS_ERROR_NAMES.filter((n) => KMS_FAILURE_OUTCOMES[n].createUpdate !== undefined);
    expect(ROWS.map((r) => r.errorName).sort()).toEqual([...mapped].sort());
  });

  it.each(ROWS)("$errorName → $exception / $code", async ({ errorName, exception, code }) => {
    await addFault(proxy, KS, { type: "error", errorName, operation: "health" });
    const report = await runCheck(checkOptions(proxySettings(proxy)));
    expect(checkOf(report, "auth")).toMatchObject({ status: "fail", failure: errorName, detail: expect.stringMatching(new RegExp(`^HTTP \\d{3} ${errorName}$`)) });
    expectPrediction(report, "fail", exception, code);
  });

  it("an errorName the spec gives no Create/Update row (InvalidStateException) still fails the verdict, with no exception predicted", async () => {
    await addFault(proxy, KS, { type: "error", errorName: "InvalidStateException", operation: "health" });
    const report = await runCheck(checkOptions(proxySettings(proxy)));
    expect(checkOf(report, "auth")).toMatchObject({ status: "fail", failure: "InvalidStateException" });
    expectPrediction(report, "fail", null, null);
  });
});
