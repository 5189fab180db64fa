/**
 * TLS at the mock proxy, with real handshakes (spec "HTTP and TLS", "mTLS"): TLS 1.2 or later and only the
 * spec's four suites, HTTP/1.1 without ALPN, and mTLS that ends the connection for a client certificate that
 * is missing, from another CA, expired, or with a subject that is not allowed.
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { connect, createServer, type ConnectionOptions, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_CLIENT_SUBJECT, generateDevPki, generateLeaf, type Pem } from "../src/pki/dev-pki.js";
import type { XksClient } from "../src/client/index.js";
import { observeHandshake } from "../harness/check/tls-observe.js";
import { pem, startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";

type Handshake =
  | { ok: true; protocol: string | null; cipher: string; alpn: string | false | null }
  | { ok: false; code: string | undefined; message: string };

/** One TLS handshake with node:tls, resolved on 'secureConnect' or 'error'; the socket is closed either way. */
function handshake(port: number, options: ConnectionOptions = {}): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, ca: pem("caCert"), ...options });
    socket.once("secureConnect", () => {
      resolve({ ok: true, protocol: socket.getProtocol(), cipher: socket.getCipher().name, alpn: socket.alpnProtocol });
      socket.destroy();
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      resolve({ ok: false, code: err.code, message: err.message });
      socket.destroy();
    });
  });
}

let proxy: TestProxy;
/**
 * A server with the same certificate that accepts everything OpenSSL can still do (TLS 1.0+, SECLEVEL=0).
 * Every refusal below is shown to be the proxy's choice: the same client completes a handshake with this one.
 */
let permissive: Server;

beforeAll(async () => {
  proxy = await startTestProxy();
  permissive = createServer({ cert: pem("serverCert"), key: pem("serverKey"), minVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" }, (s) => s.end());
  permissive.listen(0, "127.0.0.1");
  await once(permissive, "listening");
});
afterAll(async () => {
  await proxy?.stop();
  if (permissive?.listening) await new Promise((resolve) => permissive.close(resolve));
});

const permissivePort = () => (permissive.address() as { port: number }).port;
/**
 * Refusals are asserted as the alert the proxy sends on the wire (RFC 8446 §6), read from its bytes: the client
 * library's error code for the same alert differs between OpenSSL 3.0 (Node 20) and 3.5 (Node 24).
 */
const proxyTarget = () => ({ address: "127.0.0.1", port: proxy.port });

describe("TLS versions and suites", () => {
  it("a TLS 1.2 client offering only ECDHE-RSA-AES256-GCM-SHA384 connects with that suite", async () => {
    expect(await handshake(proxy.port, { minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES256-GCM-SHA384" })).toMatchObject({
      ok: true,
      protocol: "TLSv1.2",
      cipher: "ECDHE-RSA-AES256-GCM-SHA384",
    });
  });

  it("TLS 1.3 with the client's default offer negotiates one of the spec's two TLS 1.3 suites", async () => {
    const result = await handshake(proxy.port, { minVersion: "TLSv1.3" });
    expect(result).toMatchObject({ ok: true, protocol: "TLSv1.3" });
    expect(["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]).toContain(result.ok && result.cipher);
  });

  it.each(["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"])("a TLS 1.3 client offering only %s gets it", async (suite) => {
    expect(await handshake(proxy.port, { minVersion: "TLSv1.3", ciphers: suite })).toMatchObject({ ok: true, protocol: "TLSv1.3", cipher: suite });
  });

  it("refuses a client limited to TLS 1.1 (which a permissive server accepts) with a protocol_version alert", async () => {
    const tls11: ConnectionOptions = { minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" };
    expect(await handshake(permissivePort(), tls11)).toMatchObject({ ok: true, protocol: "TLSv1.1" });
    expect(await observeHandshake(proxyTarget(), tls11, 5000)).toMatchObject({ ok: false, answer: "tls", alert: "protocol_version" });
  });

  it.each([
    { version: "TLSv1.2", suite: "ECDHE-RSA-AES128-GCM-SHA256" },
    { version: "TLSv1.2", suite: "ECDHE-RSA-CHACHA20-POLY1305" },
    { version: "TLSv1.2", suite: "AES256-GCM-SHA384" }, // RSA key exchange: no forward secrecy
    { version: "TLSv1.3", suite: "TLS_AES_128_GCM_SHA256" },
  ] as const)("refuses a $version client offering only $suite, outside the spec's four", async ({ version, suite }) => {
    const options: ConnectionOptions = { minVersion: version, maxVersion: version, ciphers: `${suite}${version === "TLSv1.2" ? "@SECLEVEL=0" : ""}` };
    expect(await handshake(permissivePort(), options)).toMatchObject({ ok: true, protocol: version, cipher: suite });
    expect(await observeHandshake(proxyTarget(), options, 5000)).toMatchObject({ ok: false, answer: "tls", alert: "handshake_failure" });
  });

  it("does not select h2 when a client offers it, and speaks HTTP/1.1", async () => {
    const socket = connect({ host: "127.0.0.1", port: proxy.port, ca: pem("caCert"), ALPNProtocols: ["h2", "http/1.1"] });
    try {
      await once(socket, "secureConnect");
      // Node's https server answers ALPN with http/1.1 only; no ALPN at all would also mean HTTP/1.1.
      expect([false, "http/1.1"]).toContain(socket.alpnProtocol);
      socket.end(`GET /ping HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\nConnection: close\r\n\r\n`);
      const chunks: Buffer[] = [];
      for await (const chunk of socket) chunks.push(chunk as Buffer);
      const response = Buffer.concat(chunks).toString("utf8");
      expect(response).toMatch(/^HTTP\/1\.1 200 /);
      expect(response).toMatch(/\r\ncontent-type: application\/json/i);
    } finally {
      socket.destroy();
    }
  });
});

describe("mTLS", () => {
  const EU_SUBJECT = "cks.kms.eu-west-1.amazonaws.com";
  let mtls: TestProxy;
  /** Allows only the eu-west-1 subject. */
  let euOnly: TestProxy;
  let devClient: Pem;
  let otherCaClient: Pem;
  let betaClient: Pem;
  let expiredClient: Pem;
  let euClient: Pem;
  let accepted: XksClient;
  let acceptedEu: XksClient;

  beforeAll(async () => {
    // No clientCaFile: start-proxy falls back to the dev CA in certsDir (the test run's PKI).
    mtls = await startTestProxy(testConfig({ tls: { mtls: true } }));
    euOnly = await startTestProxy(testConfig({ tls: { mtls: true, allowedClientSubjects: [EU_SUBJECT] } }));
    const devCa: Pem = { cert: pem("caCert"), key: pem("caKey") };
    devClient = { cert: pem("clientCert"), key: pem("clientKey") };
    const [otherPki, beta, expired, eu] = await Promise.all([
      generateDevPki(),
      generateLeaf(devCa, { subject: "beta.cks.kms.us-east-1.amazonaws.com", clientAuth: true }),
      generateLeaf(devCa, { subject: DEFAULT_CLIENT_SUBJECT, clientAuth: true, notAfter: new Date(Date.now() - 86_400_000) }),
      generateLeaf(devCa, { subject: EU_SUBJECT, clientAuth: true }),
    ]);
    otherCaClient = otherPki.client;
    betaClient = beta;
    expiredClient = expired;
    euClient = eu;
    accepted = mtls.client(devClient);
    acceptedEu = euOnly.client(euClient);
  });
  afterAll(async () => {
    await Promise.all([mtls?.stop(), euOnly?.stop()]);
  });

  const requestLines = (p: TestProxy) => p.logs.records().filter((r) => r.msg === "request" || r.msg === "connection closed");

  /**
   * The signed health call on a connection with this certificate fails without any HTTP response, and the
   * request it carried is never served (no log line): a later request on an accepted connection is the only one logged.
   */
  async function expectRefused(p: TestProxy, cert: Partial<Pem>, good: XksClient) {
    const before = requestLines(p).length;
    const outcome = await p
      .client({ ...cert, keepAlive: false })
      .health()
      .then(
        (res) => `HTTP ${res.status} ${res.text}`,
        (err: Error) => err,
      );
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).name).not.toMatch(/Timeout|Abort/);
    const marker = randomUUID();
    expect((await good.health({ kmsRequestId: marker })).status).toBe(200);
    await vi.waitFor(() => expect(requestLines(p).some((r) => r.kmsRequestId === marker)).toBe(true), { timeout: 2000 });
    expect(requestLines(p).slice(before).map((r) => r.kmsRequestId)).toEqual([marker]);
  }

  it("accepts the dev client certificate (CN cks.kms.us-east-1.amazonaws.com) and serves a signed health call", async () => {
    const res = await accepted.health();
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ekmFleetDetails: [expect.objectContaining({ healthStatus: "ACTIVE" })] });
  });

  it("refuses a connection without a client certificate", async () => {
    await expectRefused(mtls, {}, accepted);
  });

  it("refuses a client certificate from another CA", async () => {
    await expectRefused(mtls, otherCaClient, accepted);
  });

  it("refuses an expired client certificate from the dev CA", async () => {
    await expectRefused(mtls, expiredClient, accepted);
  });

  it('refuses a dev-CA certificate with CN "beta.cks.kms.us-east-1.amazonaws.com", and logs why', async () => {
    await expectRefused(mtls, betaClient, accepted);
    expect(mtls.logs.records().filter((r) => r.msg === "mTLS refused")).toContainEqual(
      expect.objectContaining({ reason: expect.stringMatching(/subject CN is not allowed/) }),
    );
  });

  it("with allowedClientSubjects set to another CN, refuses the default client certificate and accepts that CN", async () => {
    expect((await acceptedEu.health()).status).toBe(200);
    await expectRefused(euOnly, devClient, acceptedEu);
    expect(euOnly.logs.records().some((r) => r.msg === "mTLS refused")).toBe(true);
  });

  it.each([
    { name: "no certificate", cert: (): Partial<Pem> => ({}) },
    { name: "another CA", cert: (): Partial<Pem> => otherCaClient },
    { name: "an expired certificate", cert: (): Partial<Pem> => expiredClient },
  ])("over TLS 1.2 the handshake itself fails with $name", async ({ cert }) => {
    const tls12: ConnectionOptions = { maxVersion: "TLSv1.2" };
    expect(await handshake(mtls.port, { ...tls12, ...devClient })).toMatchObject({ ok: true });
    expect(await handshake(mtls.port, { ...tls12, ...cert() })).toMatchObject({ ok: false });
  });

  it("logs refusals without any private key or certificate material", async () => {
    await expectRefused(mtls, betaClient, accepted);
    await expectRefused(mtls, otherCaClient, accepted);
    const text = mtls.logs.text + euOnly.logs.text;
    expect(mtls.logs.lines.some((l) => l.includes("mTLS refused"))).toBe(true);
    expect(text).not.toMatch(/-----BEGIN|PRIVATE KEY/);
    for (const material of [devClient, otherCaClient, betaClient, expiredClient, euClient, { cert: pem("caCert"), key: pem("caKey") }]) {
      for (const line of [...material.key.split("\n"), ...material.cert.split("\n")].filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l))) {
        expect(text).not.toContain(line);
      }
    }
  });
});
