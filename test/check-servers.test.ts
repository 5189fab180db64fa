/**
 * `xks-harness check` (runCheck) against purpose-built servers the mock cannot imitate: proxies that do not
 * authenticate (accept any signature, no clock-skew limit), wrong answers to an unknown path, and TLS servers with
 * expired, wrong-host, self-signed and soon-expiring certificates, TLS 1.1 only, or a suite outside the spec's four,
 * and ports that answer plain HTTP or nothing. TLS failures are asserted as the user sees them, never as OpenSSL codes.
 */
import type { ServerOptions } from "node:https";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../harness/check/context.js";
import { tlsCheck } from "../harness/check/checks/tls.js";
import { runCheck } from "../harness/check/run-check.js";
import { kmsTrustedCas } from "../harness/check/trusted-cas.js";
import { generateLeaf, generateSelfSigned, type Pem } from "../src/pki/dev-pki.js";
import { checkOf, checkOptions, expectPrediction, settingsFor, statuses } from "./helpers/check-options.js";
import { startCountingServer, startMiniProxy, startPlainHttpServer, type MiniProxyOptions, type StartedServer } from "./helpers/check-servers.js";
import { pem } from "./helpers/proxy-fixture.js";
import { randomXksCredential } from "../src/client/random-credential.js";

const PATH = "/mini/kms/xks/v1";
const cred = randomXksCredential();
const DAY_MS = 86_400_000;
const LOCAL_NAMES = ["localhost", "127.0.0.1"];

let devCert: Pem;
let certs: { expired: Pem; wrongHost: Pem; selfSigned: Pem; tenDays: Pem; selfSignedTenDays: Pem };
const running: StartedServer[] = [];

beforeAll(async () => {
  devCert = { cert: pem("serverCert"), key: pem("serverKey") };
  const ca = { cert: pem("caCert"), key: pem("caKey") };
  const [expired, wrongHost, selfSigned, tenDays, selfSignedTenDays] = await Promise.all([
    generateLeaf(ca, { subject: "localhost", serverNames: LOCAL_NAMES, notAfter: new Date(Date.now() - 2 * DAY_MS), validDays: 30 }),
    generateLeaf(ca, { subject: "other.example", serverNames: ["other.example"] }),
    generateSelfSigned(LOCAL_NAMES),
    generateLeaf(ca, { subject: "localhost", serverNames: LOCAL_NAMES, notAfter: new Date(Date.now() + 10 * DAY_MS), validDays: 90 }),
    generateSelfSigned(LOCAL_NAMES, { notAfter: new Date(Date.now() + 10 * DAY_MS), validDays: 90 }),
  ]);
  certs = { expired, wrongHost, selfSigned, tenDays, selfSignedTenDays };
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

  it("certificate for another host name (SAN other.example only), good chain → a name mismatch only; --verbose has the library's reason", async () => {
    const s = await serve({ tls: { cert: certs.wrongHost.cert, key: certs.wrongHost.key } });
    const report = await runCheck(checkOptions(settingsFor(s.port, PATH, cred), { extraCa: [pem("caCert")], timeoutMs: 2000, verbose: true }));
    const tls = checkOf(report, "tls");
    expect(tls).toMatchObject({ status: "fail", failure: "TlsFailure" });
    expect(tls.detail).toMatch(/certificate does not match localhost: the chain verifies to a CA trusted here, but the certificate names other\.example, not the endpoint host localhost/);
    // The chain is fine: nothing may say it is not.
    expect(tls.detail).not.toMatch(/does not verify|not trusted|chain stops/);
    expect(tls.fix).toBe("use a certificate whose SAN includes localhost");
    expect(report.verbose).toContainEqual(expect.stringMatching(/^tls: host name check by the TLS library: ERR_TLS_CERT_ALTNAME_INVALID: Hostname\/IP does not match/));
    expectPrediction(report, "fail", ...TLS_FAIL);
  });

  it("a chain that does not verify → --verbose has the TLS library's code and message", async () => {
    const report = await runCheck(checkOptions(settingsFor((await serve()).port, PATH, cred), { extraCa: [], timeoutMs: 2000, verbose: true }));
    expect(checkOf(report, "tls").status).toBe("fail");
    expect(report.verbose).toContainEqual(expect.stringMatching(/^tls: certificate verification by the TLS library: UNABLE_TO_VERIFY_LEAF_SIGNATURE: \S/));
  });

  it("self-signed certificate without --ca → tls fails, saying it is self-signed (not renew, not an OpenSSL code)", async () => {
    const report = await tlsReport({ cert: certs.selfSigned.cert, key: certs.selfSigned.key }, []);
    const tls = checkOf(report, "tls");
    expect(tls).toMatchObject({ status: "fail", failure: "TlsFailure", detail: expect.stringMatching(/the certificate is self-signed \(it is its own issuer\)/) });
    expect(tls.fix).toMatch(/^KMS needs a certificate that chains to a CA on KMS's trusted list .*; for local use pass this certificate with --ca$/);
    expect(tls.detail).not.toMatch(/SELF_SIGNED|DEPTH_ZERO/);
    expectPrediction(report, "fail", ...TLS_FAIL);
  });

  it("self-signed certificate expiring in 10 days, --dev without --ca → the fix is about the self-signed chain, not renewal", async () => {
    const report = await tlsReport({ cert: certs.selfSignedTenDays.cert, key: certs.selfSignedTenDays.key }, []);
    const tls = checkOf(report, "tls");
    expect(tls).toMatchObject({ status: "fail", failure: "TlsFailure", detail: expect.stringMatching(/the certificate is self-signed/) });
    expect(tls.fix).toMatch(/chains to a CA on KMS's trusted list .*--ca/);
    expectPrediction(report, "fail", ...TLS_FAIL);
  });

  it("the same self-signed certificate given with --ca verifies (only a --dev warning is left)", async () => {
    const report = await tlsReport({ cert: certs.selfSigned.cert, key: certs.selfSigned.key }, [certs.selfSigned.cert]);
    expect(checkOf(report, "tls")).toMatchObject({ status: "warn", detail: expect.stringMatching(/not in KMS's trusted CA list \(allowed with --dev\)/) });
    expectPrediction(report, "pass", null, null);
  });

  it("certificate from a CA this machine does not know, sent without its chain → tls fails naming the missing issuer", async () => {
    const report = await tlsReport({ cert: devCert.cert, key: devCert.key }, []);
    const tls = checkOf(report, "tls");
    expect(tls).toMatchObject({ status: "fail", failure: "TlsFailure", detail: expect.stringMatching(/the chain stops at "localhost", issued by "xks-harness dev CA", which the server did not send and this machine does not know/) });
    expect(tls.fix).toMatch(/^serve the full chain \(leaf \+ intermediates\) up to a CA on KMS's trusted list/);
    expectPrediction(report, "fail", ...TLS_FAIL);
  });

  it("TLS 1.1-only server → tls fails", async () => {
    const report = await tlsReport({ cert: devCert.cert, key: devCert.key, minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" });
    expect(checkOf(report, "tls")).toMatchObject({ status: "fail", failure: "TlsFailure", detail: expect.stringMatching(/^handshake failed: the proxy refused the spec's TLS offer with a protocol_version alert: it accepts only TLSv1\.1,/), fix: "enable TLS 1.2 or 1.3 on the proxy" });
    expectPrediction(report, "fail", ...TLS_FAIL);
  });

  it("TLS 1.2 server offering only ECDHE-RSA-AES128-GCM-SHA256 → tls fails", async () => {
    const report = await tlsReport({ cert: devCert.cert, key: devCert.key, minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES128-GCM-SHA256" });
    expect(checkOf(report, "tls")).toMatchObject({
      status: "fail",
      failure: "TlsFailure",
      detail: expect.stringMatching(/^handshake failed: the proxy refused the spec's TLS offer with a handshake_failure alert: it accepts TLSv1\.2 with ECDHE-RSA-AES128-GCM-SHA256, but none of the spec's four suites$/),
    });
    expect(checkOf(report, "tls").fix).toBe("offer one of the spec's suites: TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, ECDHE-RSA-AES256-GCM-SHA384, ECDHE-ECDSA-AES256-GCM-SHA384");
    expectPrediction(report, "fail", ...TLS_FAIL);
  });

  it("a TLS 1.2 server with a spec suite (ECDHE-RSA-AES256-GCM-SHA384) passes the handshake", async () => {
    const report = await tlsReport({ cert: devCert.cert, key: devCert.key, minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES256-GCM-SHA384" });
    expect(checkOf(report, "tls")).toMatchObject({ status: "warn", detail: expect.stringMatching(/^TLSv1\.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384/) });
    expectPrediction(report, "pass", null, null);
  });

  it("a port that speaks plain HTTP → tls fails naming plain HTTP; the library's string only under --verbose", async () => {
    const s = await startPlainHttpServer();
    running.push(s);
    const report = await runCheck(checkOptions(settingsFor(s.port, PATH, cred), { timeoutMs: 2000, verbose: true }));
    const tls = checkOf(report, "tls");
    expect(tls).toMatchObject({ status: "fail", failure: "TlsFailure", detail: expect.stringMatching(new RegExp(`^handshake failed: port ${s.port} answers plain HTTP \\("HTTP/1\\.1 400 Bad Request`)) });
    expect(tls.fix).toBe(`KMS connects with HTTPS only: serve TLS on port ${s.port} (or point the endpoint at the proxy's TLS port)`);
    expect(tls.detail).not.toMatch(/ERR_|SSL|OpenSSL/i);
    expect(report.verbose?.some((line) => line.startsWith("tls: handshake error ERR_SSL_"))).toBe(true);
    expectPrediction(report, "fail", ...TLS_FAIL);
  });

  it("a port that accepts TCP and closes at once → tls fails saying no TLS answer came", async () => {
    const s = await startCountingServer();
    running.push(s);
    const report = await runCheck(checkOptions(settingsFor(s.port, PATH, cred), { timeoutMs: 2000 }));
    expect(checkOf(report, "tls")).toMatchObject({ status: "fail", failure: "TlsFailure", detail: `handshake failed: port ${s.port} accepted TCP and then closed the connection without a TLS answer` });
    expect(report.verbose).toBeUndefined();
    expectPrediction(report, "fail", ...TLS_FAIL);
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
      expect(result.fix).toMatch(/to test locally with a private CA \(given with --ca\), add --dev$/);
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
