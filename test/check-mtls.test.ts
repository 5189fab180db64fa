/**
 * `xks-harness check` against proxies that require mTLS, over real TLS servers on 127.0.0.1: without a client
 * certificate the tls check fails with the truth (and the CA names the server sent, when it speaks TLS 1.2) and
 * predicts a TLS failure, never a protocol error; with KMS's subject it passes, with another subject it warns;
 * bad --client-cert/--client-key files are usage errors (exit 2, naming the flag); snapshot presents the
 * certificate too.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerOptions } from "node:https";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MTLS_REQUIRED } from "../harness/check/tls-client-auth.js";
import { runCheck } from "../harness/check/run-check.js";
import { generateLeaf, type Pem } from "../src/pki/dev-pki.js";
import { packageRoot } from "../src/package-root.js";
import { randomXksCredential } from "../src/client/random-credential.js";
import { checkOf, checkOptions, expectPrediction, proxySettings, settingsFor, statuses } from "./helpers/check-options.js";
import { startCheckProxy, type CheckProxy } from "./helpers/check-proxy.js";
import { startMiniProxy, type StartedServer } from "./helpers/check-servers.js";
import { runCli } from "./helpers/cli-process.js";
import { pem, pkiPath, testConfig } from "./helpers/proxy-fixture.js";

const PATH = "/mtls/kms/xks/v1";
const cred = randomXksCredential();
const CA_NAME = "CN=xks-harness dev CA";
const CLI = join(packageRoot(), "dist/harness/cli.js");

let kmsCert: Pem;
let otherSubject: Pem;
let dir: string;
const running: StartedServer[] = [];

beforeAll(async () => {
  kmsCert = { cert: pem("clientCert"), key: pem("clientKey") };
  otherSubject = await generateLeaf({ cert: pem("caCert"), key: pem("caKey") }, { subject: "someone.example", serverNames: ["someone.example"], clientAuth: true });
  dir = mkdtempSync(join(tmpdir(), "xks-check-mtls-"));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** A proxy asking for a certificate from the dev CA; `required` refuses a handshake without one. */
async function mtlsProxy(tls: ServerOptions = {}, required = true): Promise<StartedServer> {
  const s = await startMiniProxy({ tls: { cert: pem("serverCert"), key: pem("serverKey"), requestCert: true, rejectUnauthorized: required, ca: pem("caCert"), ...tls }, basePath: PATH, credential: cred, auth: "verify" });
  running.push(s);
  return s;
}

describe("without a client certificate", () => {
  it.each([
    { name: "TLS 1.2 only: the CA names come from the CertificateRequest", tls: { maxVersion: "TLSv1.2" } as ServerOptions, names: `it names the CA(s) "${CA_NAME}"` },
    { name: "TLS 1.3 only: the refusal after the handshake, CA names unreadable", tls: { minVersion: "TLSv1.3" } as ServerOptions, names: "its CA names could not be read" },
    { name: "TLS 1.2 and 1.3 (Node's default)", tls: {} as ServerOptions, names: `it names the CA(s) "${CA_NAME}"` },
  ])("$name → tls fails with the truth, later checks skip with it, the prediction is a TLS failure", async ({ tls, names }) => {
    const s = await mtlsProxy(tls);
    const report = await runCheck(checkOptions(settingsFor(s.port, PATH, cred)));
    const t = checkOf(report, "tls");
    expect(t.status, t.detail).toBe("fail");
    expect(t.detail.startsWith(MTLS_REQUIRED)).toBe(true);
    expect(t.detail).toContain(names);
    expect(t.fix).toContain("--client-cert and --client-key");
    expect(t.fix).toContain("cks.kms.us-east-1.amazonaws.com");
    expect(checkOf(report, "auth").detail).toBe("skipped: tls failed: the proxy requires mTLS and no --client-cert was given");
    expect(checkOf(report, "latency").detail).toContain("the proxy requires mTLS");
    expectPrediction(report, "fail", "XksProxyUriUnreachableException", "XKS_PROXY_INVALID_TLS_CONFIGURATION");
  });

  it("a proxy that asks for a certificate but does not require one passes, and says so", async () => {
    const s = await mtlsProxy({ maxVersion: "TLSv1.2" }, false);
    const report = await runCheck(checkOptions(settingsFor(s.port, PATH, cred)));
    expect(statuses(report)).toMatchObject({ tls: "warn", auth: "pass" });
    expect(checkOf(report, "tls").detail).toContain(`asks for a client certificate (optional); it names the CA(s) "${CA_NAME}"`);
    expect(checkOf(report, "tls").data?.clientCertificate).toEqual({ requested: true, required: false, caNames: [CA_NAME], presentedSubject: null });
  });
});

describe("with a client certificate", () => {
  it.each([{ v: "TLSv1.2" as const }, { v: "TLSv1.3" as const }])("KMS's subject ($v) → the tls check reports it, every check passes", async ({ v }) => {
    const s = await mtlsProxy({ minVersion: v, maxVersion: v });
    const report = await runCheck(checkOptions(settingsFor(s.port, PATH, cred), { clientCert: kmsCert }));
    // warn: the dev CA is not on KMS's list (--dev); nothing about the client certificate.
    expect(statuses(report)).toMatchObject({ tls: "warn", auth: "pass", "rejects-bad-signature": "pass", path: "pass", latency: "pass" });
    const t = checkOf(report, "tls");
    expect(t.detail).toContain("presented CN=cks.kms.us-east-1.amazonaws.com, accepted");
    expect(t.detail).not.toContain("the one KMS presents");
    expectPrediction(report, "pass", null, null);
  });

  it("another subject → the tls check warns: it is not what KMS presents", async () => {
    const s = await mtlsProxy();
    const report = await runCheck(checkOptions(settingsFor(s.port, PATH, cred), { clientCert: otherSubject }));
    const t = checkOf(report, "tls");
    expect(t.status).toBe("warn");
    expect(t.detail).toContain("the client certificate's subject is CN=someone.example, not CN=cks.kms.us-east-1.amazonaws.com, the one KMS presents");
    expect(checkOf(report, "auth").status).toBe("pass");
  });

  it("the mock with mTLS (its subject check after the handshake): KMS's certificate passes, another subject is refused", async () => {
    const proxy: CheckProxy = await startCheckProxy(testConfig({ tls: { mtls: true } }));
    try {
      const good = await runCheck(checkOptions(proxySettings(proxy), { clientCert: kmsCert, keyIds: ["foo"] }));
      expect(statuses(good)).toMatchObject({ tls: "warn", auth: "pass", keys: "pass" });
      const refused = await runCheck(checkOptions(proxySettings(proxy), { clientCert: otherSubject }));
      expect(checkOf(refused, "tls").detail).toContain("the proxy refused the client certificate CN=someone.example");
      expectPrediction(refused, "fail", "XksProxyUriUnreachableException", "XKS_PROXY_INVALID_TLS_CONFIGURATION");
    } finally {
      await proxy.stop();
    }
  });
});

describe("the CLI: --client-cert/--client-key on check and snapshot", () => {
  const base = (port: number) => ["--endpoint", `https://localhost:${port}`, "--path", PATH, "--access-key-id", cred.accessKeyId, "--ca", pkiPath("caCert"), "--dev", "--no-color"];
  const env = { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey };

  it.each([
    { name: "a certificate without its key", args: ["--client-cert", pkiPath("clientCert")], says: "--client-cert and --client-key go together" },
    { name: "a key given as the certificate", args: ["--client-cert", pkiPath("clientKey"), "--client-key", pkiPath("clientKey")], says: "holds no PEM certificate" },
    { name: "a certificate given as the key", args: ["--client-cert", pkiPath("clientCert"), "--client-key", pkiPath("clientCert")], says: "--client-key" },
    { name: "another certificate's key", args: ["--client-cert", pkiPath("clientCert"), "--client-key", pkiPath("serverKey")], says: "is not the key of the certificate in --client-cert" },
    { name: "a file that is not there", args: ["--client-cert", join(tmpdir(), "no-such-client.pem"), "--client-key", pkiPath("clientKey")], says: "cannot read --client-cert" },
  ])("check: $name → exit 2, naming the flag, nothing sent", async ({ args, says }) => {
    const r = await runCli(CLI, ["check", ...base(9), ...args], env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(says);
  });

  it("check and snapshot present the certificate to an mTLS proxy", async () => {
    const proxy = await startCheckProxy(testConfig({ tls: { mtls: true } }));
    try {
      const path = new URL(proxy.baseUrl()).pathname;
      const c = proxy.config().keystores[0]!.credentials[0]!;
      const args = ["--endpoint", `https://localhost:${proxy.port}`, "--path", path, "--access-key-id", c.accessKeyId, "--ca", pkiPath("caCert"), "--dev", "--key-id", "foo"];
      const cert = ["--client-cert", pkiPath("clientCert"), "--client-key", pkiPath("clientKey")];
      const e = { XKS_SECRET_ACCESS_KEY: c.secretAccessKey };
      const without = await runCli(CLI, ["check", ...args, "--no-color"], e);
      expect(without.code).toBe(1);
      expect(without.stdout).toContain(MTLS_REQUIRED);
      expect(without.stdout).not.toContain("XksProxyInvalidResponseException");
      const check = await runCli(CLI, ["check", ...args, ...cert, "--json"], e);
      expect(check.code, check.stdout).toBe(0);
      const out = join(dir, "snapshot.json");
      const snap = await runCli(CLI, ["snapshot", ...args, ...cert, "--out", out], e);
      expect(snap.code, snap.stderr).toBe(0);
      expect(JSON.parse(readFileSync(out, "utf8")).probes).toHaveLength(1);
      const withSnapshot = await runCli(CLI, ["check", ...args, ...cert, "--snapshot", out, "--no-color"], e);
      expect(withSnapshot.code, withSnapshot.stdout).toBe(0);
    } finally {
      await proxy.stop();
    }
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
