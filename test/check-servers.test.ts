/**
 * `xks-harness check` (runCheck) against purpose-built servers the mock cannot imitate: proxies that do not
 * authenticate (accept any signature, no clock-skew limit), wrong answers to an unknown path, and TLS servers with
 * expired, wrong-host, self-signed and soon-expiring certificates, TLS 1.1 only, or a suite outside the spec's four.
 */
import type { ServerOptions } from "node:https";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../harness/check/context.js";
import { tlsCheck } from "../harness/check/checks/tls.js";
import { runCheck } from "../harness/check/run-check.js";
import { kmsTrustedCas } from "../harness/check/trusted-cas.js";
import { generateLeaf, generateSelfSigned, type Pem } from "../src/pki/dev-pki.js";
import { checkOf, checkOptions, expectPrediction, settingsFor, statuses } from "./helpers/check-options.js";
import { startMiniProxy, type MiniProxyOptions, type StartedServer } from "./helpers/check-servers.js";
import { pem } from "./helpers/proxy-fixture.js";
import { randomXksCredential } from "../src/client/random-credential.js";

const PATH = "/mini/kms/xks/v1";
const cred = randomXksCredential();
const DAY_MS = 86_400_000;
const LOCAL_NAMES = ["localhost", "127.0.0.1"];

let devCert: Pem;
let certs: { expired: Pem; wrongHost: Pem; selfSigned: Pem; tenDays: Pem };
const running: StartedServer[] = [];

beforeAll(async () => {
  devCert = { cert: pem("serverCert"), key: pem("serverKey") };
  const ca = { cert: pem("caCert"), key: pem("caKey") };
  const [expired, wrongHost, selfSigned, tenDays] = await Promise.all([
    generateLeaf(ca, { subject: "localhost", serverNames: LOCAL_NAMES, notAfter: new Date(Date.now() - 2 * DAY_MS), validDays: 30 }),
    generateLeaf(ca, { subject: "other.example", serverNames: ["other.example"] }),
    generateSelfSigned(LOCAL_NAMES),
    generateLeaf(ca, { subject: "localhost", serverNames: LOCAL_NAMES, notAfter: new Date(Date.now() + 10 * DAY_MS), validDays: 90 }),
  ]);
  certs = { expired, wrongHost, selfSigned, tenDays };
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function serve(o: Partial<MiniProxyOptions> & { tls?: ServerOptions } = {}): Promise<StartedServer> {
  const server = await startMiniProxy({ tls: { cert: devCert.cert, key: devCert.key }, basePath: PATH, credential: cred, auth: "verify", ...o });
  running.push(server);
  return server;
}

describe("SigV4 handling of the proxy", () => {
  it("a proxy that verifies signatures properly passes everything (control for the cases below)", async () => {
    const s = await serve();
    const report = await runCheck(checkOptions(settingsFor(s.port, PATH, cred)));
    expect(statuses(report)).toMatchObject({ input: "warn", tls: "warn", auth: "pass", "rejects-bad-signature": "pass", path: "pass", latency: "pass" });
    expect(checkOf(report, "rejects-bad-signature").detail).toBe("both answered 401 AuthenticationFailedException");
    expectPrediction(report, "pass", null, null);
  });

  it("a proxy that accepts any signature → rejects-bad-signature fails, verdict fail, no exception predicted", async () => {
    const s = await serve({ auth: "accept-any" });
    const report = await runCheck(checkOptions(settingsFor(s.port, PATH, cred)));
    expect(checkOf(report, "auth").status).toBe("pass");
    const rejects = checkOf(report, "rejects-bad-signature");
    expect(rejects.status).toBe("fail");
    expect(rejects.detail).toMatch(/the proxy ACCEPTED: wrong secret: HTTP 200; X-Amz-Date 6 minutes old: HTTP 200/);
    expect(rejects.fix).toMatch(/SigV4 verification/);
    // It answers 200 to a wrong path as well.
    expect(checkOf(report, "path")).toMatchObject({ status: "warn", detail: expect.stringMatching(/→ HTTP 200 /) });
    // UpdateCustomKeyStore would succeed against it; the verdict still says do not trust it.
    expectPrediction(report, "fail", null, null);
  });

  it("a proxy without a clock-skew check → rejects-bad-signature fails on the stale X-Amz-Date only", async () => {
    const s = await serve({ maxSkewMs: 365 * DAY_MS });
    const report = await runCheck(checkOptions(settingsFor(s.port, PATH, cred)));
    const rejects = checkOf(report, "rejects-bad-signature");
    expect(rejects.status).toBe("fail");
    expect(rejects.detail).toMatch(/the proxy ACCEPTED: X-Amz-Date 6 minutes old: HTTP 200\./);
    expect(rejects.detail).not.toMatch(/wrong secret/);
    expect(checkOf(report, "path").status).toBe("pass");
    expectPrediction(report, "fail", null, null);
  });

  it.each([200, 401] as const)("a proxy answering a wrong path with %i → path warns, verdict pass", async (status) => {
    const s = await serve({ unknownPath: status });
    const report = await runCheck(checkOptions(settingsFor(s.port, PATH, cred)));
    const path = checkOf(report, "path");
    expect(path).toMatchObject({ status: "warn", detail: expect.stringMatching(new RegExp(`/xks-harness-no-such-prefix-[0-9a-f]{8}/kms/xks/v1 → HTTP ${status} .*KMS could not tell a wrong path`)) });
    expect(path.fix).toMatch(/404 InvalidUriPathException/);
    expect(checkOf(report, "rejects-bad-signature").status).toBe("pass");
    expectPrediction(report, "pass", null, null);
  });
});

describe("TLS of the proxy", () => {
  const TLS_FAIL = ["XksProxyUriUnreachableException", "XKS_PROXY_INVALID_TLS_CONFIGURATION"] as const;

  async function tlsReport(tls: ServerOptions, extraCa = [pem("caCert")]) {
    const s = await serve({ tls });
    return runCheck(checkOptions(settingsFor(s.port, PATH, cred), { extraCa, timeoutMs: 2000 }));
  }

  it("expired certificate signed by the dev CA → tls fails", async () => {
    const report = await tlsReport({ cert: certs.expired.cert, key: certs.expired.key });
    expect(checkOf(report, "tls")).toMatchObject({ status: "fail", failure: "TlsFailure", detail: expect.stringMatching(/certificate expired on /), fix: "renew the proxy's certificate" });
    expectPrediction(report, "fail", ...TLS_FAIL);
    expect(checkOf(report, "auth")).toMatchObject({ status: "skip", detail: "skipped: tls failed" });
  });

  it("certificate for another host name (SAN other.example only) → tls fails", async () => {
    const report = await tlsReport({ cert: certs.wrongHost.cert, key: certs.wrongHost.key });
    expect(checkOf(report, "tls")).toMatchObject({ status: "fail", failure: "TlsFailure", detail: expect.stringMatching(/certificate does not match localhost/) });
    expect(checkOf(report, "tls").fix).toMatch(/SAN \(or CN\) covers localhost/);
    expectPrediction(report, "fail", ...TLS_FAIL);
  });

  it("self-signed certificate without --ca → tls fails", async () => {
    const report = await tlsReport({ cert: certs.selfSigned.cert, key: certs.selfSigned.key });
    expect(checkOf(report, "tls")).toMatchObject({ status: "fail", failure: "TlsFailure", detail: expect.stringMatching(/certificate chain does not verify: DEPTH_ZERO_SELF_SIGNED_CERT \(self-signed\)/) });
    expectPrediction(report, "fail", ...TLS_FAIL);
  });

  it("the same self-signed certificate given with --ca verifies (only a --dev warning is left)", async () => {
    const report = await tlsReport({ cert: certs.selfSigned.cert, key: certs.selfSigned.key }, [certs.selfSigned.cert]);
    expect(checkOf(report, "tls")).toMatchObject({ status: "warn", detail: expect.stringMatching(/not in KMS's trusted CA list \(allowed with --dev\)/) });
    expectPrediction(report, "pass", null, null);
  });

  it("TLS 1.1-only server → tls fails", async () => {
    const report = await tlsReport({ cert: devCert.cert, key: devCert.key, minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" });
    expect(checkOf(report, "tls")).toMatchObject({ status: "fail", failure: "TlsFailure", detail: expect.stringMatching(/^handshake failed: /), fix: "enable TLS 1.2 or 1.3 on the proxy" });
    expectPrediction(report, "fail", ...TLS_FAIL);
  });

  it("TLS 1.2 server offering only ECDHE-RSA-AES128-GCM-SHA256 → tls fails", async () => {
    const report = await tlsReport({ cert: devCert.cert, key: devCert.key, minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES128-GCM-SHA256" });
    expect(checkOf(report, "tls")).toMatchObject({ status: "fail", failure: "TlsFailure", detail: expect.stringMatching(/^handshake failed: /) });
    expect(checkOf(report, "tls").fix).toMatch(/ECDHE-RSA-AES256-GCM-SHA384/);
    expectPrediction(report, "fail", ...TLS_FAIL);
  });

  it("a TLS 1.2 server with a spec suite (ECDHE-RSA-AES256-GCM-SHA384) passes the handshake", async () => {
    const report = await tlsReport({ cert: devCert.cert, key: devCert.key, minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES256-GCM-SHA384" });
    expect(checkOf(report, "tls")).toMatchObject({ status: "warn", detail: expect.stringMatching(/^TLSv1\.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384/) });
    expectPrediction(report, "pass", null, null);
  });

  it("certificate expiring in 10 days → tls warns, verdict pass", async () => {
    const report = await tlsReport({ cert: certs.tenDays.cert, key: certs.tenDays.key });
    expect(checkOf(report, "tls")).toMatchObject({ status: "warn", detail: expect.stringMatching(/certificate expires in (9|10) days/), fix: "renew the proxy's certificate before it expires" });
    expectPrediction(report, "pass", null, null);
  });

  describe("KMS's trusted CA list (without --dev)", () => {
    async function tlsWith(dev: boolean) {
      const s = await serve();
      const ctx = createContext(checkOptions(settingsFor(s.port, PATH, cred), { dev }));
      ctx.addresses = ["127.0.0.1"];
      try {
        return await tlsCheck(ctx);
      } finally {
        await ctx.close();
      }
    }

    it("the dev CA is not in the list: tls fails without --dev", async () => {
      const result = await tlsWith(false);
      expect(result).toMatchObject({ status: "fail", failure: "TlsFailure", detail: expect.stringMatching(/root CA "xks-harness dev CA" is not in KMS's trusted CA list/) });
      expect(result.fix).toMatch(/TrustedCertificateAuthorities/);
    });

    it("the same server only warns with --dev", async () => {
      const result = await tlsWith(true);
      expect(result).toMatchObject({ status: "warn", detail: expect.stringMatching(/\(allowed with --dev\)/) });
    });

    it("the list holds the spec's Amazon roots", () => {
      const aliases = [...kmsTrustedCas().values()].map((c) => c.alias);
      expect(aliases).toEqual(expect.arrayContaining(["amazonrootca1", "amazonrootca2", "amazonrootca3", "amazonrootca4"]));
      expect(kmsTrustedCas().size).toBeGreaterThan(100);
    });
  });
});
