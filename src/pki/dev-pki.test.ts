import { createPrivateKey, X509Certificate } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { createServer, request, type ServerOptions } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SERVER_NAMES, generateDevPki, generateLeaf, generateSelfSigned, type DevPki, type Pem } from "./dev-pki.js";
import { DEV_PKI_FILES, DevPkiIncompleteError, ensureDevPki, RENEW_WITHIN_DAYS } from "./dev-pki-files.js";
import { x509 } from "./x509.js";

const DAY = 86_400_000;
let pki: DevPki;

beforeAll(async () => {
  pki = await generateDevPki();
});

describe("generateDevPki", () => {
  it("issues a server and client cert that chain to the CA", () => {
    const ca = new X509Certificate(pki.ca.cert);
    const server = new X509Certificate(pki.server.cert);
    const client = new X509Certificate(pki.client.cert);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.checkHost("localhost")).toBe("localhost");
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(server.checkIP("::1")).toBe("::1");
    expect(server.subject).toContain("CN=localhost");
    expect(server.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(client.verify(ca.publicKey)).toBe(true);
    expect(client.subject).toContain("CN=cks.kms.us-east-1.amazonaws.com");
    expect(client.subjectAltName).toBe("DNS:cks.kms.us-east-1.amazonaws.com");
    expect(client.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
  });

  it("exports matching PKCS#8 RSA-2048 keys", () => {
    for (const pem of [pki.ca, pki.server, pki.client]) {
      expect(pem.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      const key = createPrivateKey(pem.key);
      expect(key.asymmetricKeyType).toBe("rsa");
      expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
      expect(new X509Certificate(pem.cert).checkPrivateKey(key)).toBe(true);
    }
  });

  it("sets the CA and leaf extensions", () => {
    const ca = new x509.X509Certificate(pki.ca.cert);
    const bc = ca.getExtension(x509.BasicConstraintsExtension);
    expect(bc?.ca).toBe(true);
    expect(bc?.critical).toBe(true);
    expect(ca.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
    );
    const caSki = ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    expect(caSki).toMatch(/^[0-9a-f]+$/);

    const server = new x509.X509Certificate(pki.server.cert);
    expect(server.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(server.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    );
    expect(server.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(caSki);
    expect(server.signatureAlgorithm).toMatchObject({ name: "RSASSA-PKCS1-v1_5", hash: { name: "SHA-256" } });
  });

  it("uses random positive serials and the default validity periods", async () => {
    const other = await generateDevPki();
    const serials = [pki.ca, pki.server, pki.client, other.ca, other.server].map(
      (p) => new X509Certificate(p.cert).serialNumber,
    );
    expect(new Set(serials).size).toBe(serials.length);
    for (const s of serials) expect(Number.parseInt(s.slice(0, 2), 16)).toBeLessThan(0x80);
    const days = (p: Pem) => {
      const c = new X509Certificate(p.cert);
      return Math.round((Date.parse(c.validTo) - Date.parse(c.validFrom)) / DAY);
    };
    expect(days(pki.ca)).toBe(3650);
    expect(days(pki.server)).toBe(825);
  });

  it("honours serverNames, clientSubject and validity overrides", async () => {
    const notAfter = new Date(Date.now() - DAY);
    const custom = await generateDevPki({
      serverNames: ["xks.test", "10.0.0.1"],
      clientSubject: "cks.kms.eu-west-1.amazonaws.com",
      caName: "Other CA",
      notAfter,
    });
    const server = new X509Certificate(custom.server.cert);
    expect(server.subjectAltName).toBe("DNS:xks.test, IP Address:10.0.0.1");
    expect(Date.parse(server.validTo)).toBe(Math.floor(notAfter.getTime() / 1000) * 1000);
    expect(Date.parse(server.validFrom)).toBeLessThan(Date.parse(server.validTo));
    expect(new X509Certificate(custom.client.cert).subject).toContain("CN=cks.kms.eu-west-1.amazonaws.com");
    expect(new X509Certificate(custom.ca.cert).subject).toBe("CN=Other CA");
    await expect(generateLeaf(pki.ca, { subject: "x", notBefore: new Date(), notAfter: notAfter })).rejects.toThrow(
      RangeError,
    );
  });
});

/** Starts an HTTPS server on 127.0.0.1:0 that answers 200 "ok". */
async function startServer(options: ServerOptions): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer({ minVersion: "TLSv1.2", ...options }, (_req, res) => res.end("ok"));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** One GET without connection reuse; resolves with status and negotiated TLS parameters. */
function get(
  port: number,
  tls: { ca?: string; cert?: string; key?: string; host?: string; maxVersion?: "TLSv1.2" },
): Promise<{ status: number; cipher: string; protocol: string | null }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: tls.host ?? "127.0.0.1", port, path: "/", agent: false, ...tls }, (res) => {
      const socket = res.socket as TLSSocket;
      const info = { status: res.statusCode ?? 0, cipher: socket.getCipher().name, protocol: socket.getProtocol() };
      res.resume();
      res.on("end", () => resolve(info));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("TLS with the dev PKI", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({
      cert: pki.server.cert,
      key: pki.server.key,
      ca: pki.ca.cert,
      requestCert: true,
      rejectUnauthorized: true,
    });
  });
  afterAll(() => server.close());

  it("completes an mTLS request with the client cert", async () => {
    const res = await get(server.port, { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key });
    expect(res.status).toBe(200);
  });

  it("negotiates ECDHE-RSA-AES256-GCM-SHA384 over TLS 1.2", async () => {
    const strict = await startServer({
      cert: pki.server.cert,
      key: pki.server.key,
      maxVersion: "TLSv1.2",
      ciphers: "ECDHE-RSA-AES256-GCM-SHA384",
    });
    try {
      const res = await get(strict.port, { ca: pki.ca.cert, maxVersion: "TLSv1.2", host: "localhost" });
      expect(res).toEqual({ status: 200, cipher: "ECDHE-RSA-AES256-GCM-SHA384", protocol: "TLSv1.2" });
    } finally {
      await strict.close();
    }
  });

  it("rejects a client without a certificate", async () => {
    await expect(get(server.port, { ca: pki.ca.cert })).rejects.toThrow();
  });

  it("rejects an expired server cert signed by the CA", async () => {
    const expired = await generateLeaf(pki.ca, {
      subject: "localhost",
      serverNames: [...DEFAULT_SERVER_NAMES],
      notAfter: new Date(Date.now() - DAY),
    });
    const s = await startServer({ cert: expired.cert, key: expired.key });
    try {
      await expect(get(s.port, { ca: pki.ca.cert })).rejects.toMatchObject({ code: "CERT_HAS_EXPIRED" });
    } finally {
      await s.close();
    }
  });

  it("rejects a self-signed server cert", async () => {
    const self = await generateSelfSigned(["localhost", "127.0.0.1"]);
    expect(new X509Certificate(self.cert).checkIP("127.0.0.1")).toBe("127.0.0.1");
    const s = await startServer({ cert: self.cert, key: self.key });
    try {
      const err = await get(s.port, { ca: pki.ca.cert }).catch((e: NodeJS.ErrnoException) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as NodeJS.ErrnoException).code).toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED/);
    } finally {
      await s.close();
    }
  });

  it("rejects a CA-signed cert for the wrong host", async () => {
    const wrong = await generateLeaf(pki.ca, { subject: "wrong.example" });
    const s = await startServer({ cert: wrong.cert, key: wrong.key });
    try {
      await expect(get(s.port, { ca: pki.ca.cert })).rejects.toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID" });
    } finally {
      await s.close();
    }
  });
});

describe("ensureDevPki", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "dev-pki-test-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the files once, keys owner-only, then leaves them alone", async () => {
    const target = join(dir, "nested", "certs");
    const first = await ensureDevPki(target);
    expect(first.created).toBe(true);
    expect(first.dir).toBe(target);
    for (const [name, file] of Object.entries(DEV_PKI_FILES)) {
      const path = first.paths[name as keyof typeof DEV_PKI_FILES];
      expect(path).toBe(join(target, file));
      expect(existsSync(path)).toBe(true);
      if (file.endsWith(".key.pem")) expect(statSync(path).mode & 0o777).toBe(0o600);
    }
    const ca = new X509Certificate(readFileSync(first.paths.caCert));
    expect(new X509Certificate(readFileSync(first.paths.serverCert)).verify(ca.publicKey)).toBe(true);
    expect(new X509Certificate(readFileSync(first.paths.serverCert)).checkPrivateKey(createPrivateKey(readFileSync(first.paths.serverKey)))).toBe(true);

    const before = readFileSync(first.paths.caCert, "utf8");
    const second = await ensureDevPki(target);
    expect(second.created).toBe(false);
    expect(readFileSync(second.paths.caCert, "utf8")).toBe(before);
  });

  it("regenerates everything on force; refuses a partial set, naming what is missing, and changes nothing", async () => {
    const target = join(dir, "regen");
    const { paths } = await ensureDevPki(target);
    const ca1 = readFileSync(paths.caCert, "utf8");
    const forced = await ensureDevPki(target, { force: true });
    expect(forced.created).toBe(true);
    const ca2 = readFileSync(paths.caCert, "utf8");
    expect(ca2).not.toBe(ca1);
    unlinkSync(paths.clientKey);
    const refused = await ensureDevPki(target).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DevPkiIncompleteError);
    expect(refused).toMatchObject({ missing: ["client.key.pem"], message: expect.stringMatching(/holds part of a dev PKI \(ca\.pem, ca\.key\.pem, server\.pem, server\.key\.pem, client\.pem\) but not client\.key\.pem\. Nothing was changed\. Fix: /) });
    expect(readFileSync(paths.caCert, "utf8")).toBe(ca2);
    expect(existsSync(paths.clientKey)).toBe(false);
    expect((await ensureDevPki(target, { force: true })).created).toBe(true);
  });

  it("uses a server certificate and key without the CA key as they are, minting nothing", async () => {
    const source = await ensureDevPki(join(dir, "source"));
    for (const [files, absent] of [
      [["serverCert", "serverKey"], ["caCert", "caKey", "clientCert", "clientKey"]],
      [["caCert", "serverCert", "serverKey"], ["caKey", "clientCert", "clientKey"]],
    ] as const) {
      const target = mkdtempSync(join(dir, "server-only-"));
      for (const f of files) copyFileSync(source.paths[f], join(target, DEV_PKI_FILES[f]));
      const result = await ensureDevPki(target);
      expect(result).toMatchObject({ created: false, absent });
      expect(readdirSync(target).sort()).toEqual(files.map((f) => DEV_PKI_FILES[f]).sort());
    }
  });

  it("refuses a server-only set that lacks a file the caller needs (the CA, for mTLS)", async () => {
    const source = await ensureDevPki(join(dir, "source"));
    const target = mkdtempSync(join(dir, "server-only-mtls-"));
    for (const f of ["serverCert", "serverKey"] as const) copyFileSync(source.paths[f], join(target, DEV_PKI_FILES[f]));
    await expect(ensureDevPki(target, { need: ["caCert"] })).rejects.toMatchObject({ name: "DevPkiIncompleteError", missing: ["ca.pem"] });
    expect(readdirSync(target).sort()).toEqual(["server.key.pem", "server.pem"]);
  });

  it.each([
    [["caCert"], ["ca.key.pem", "server.pem", "server.key.pem", "client.pem", "client.key.pem"]],
    [["caCert", "caKey", "serverCert"], ["server.key.pem", "client.pem", "client.key.pem"]],
    [["serverCert"], ["ca.pem", "ca.key.pem", "server.key.pem", "client.pem", "client.key.pem"]],
  ] as const)("refuses the partial set %j, naming %j", async (files, missing) => {
    const source = await ensureDevPki(join(dir, "source"));
    const target = mkdtempSync(join(dir, "partial-"));
    for (const f of files) copyFileSync(source.paths[f], join(target, DEV_PKI_FILES[f]));
    await expect(ensureDevPki(target)).rejects.toMatchObject({ name: "DevPkiIncompleteError", missing });
    expect(readdirSync(target).sort()).toEqual(files.map((f) => DEV_PKI_FILES[f]).sort());
  });

  it("yields one consistent set when called concurrently", async () => {
    const target = join(dir, "race");
    const results = await Promise.all([ensureDevPki(target), ensureDevPki(target), ensureDevPki(target)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const ca = new X509Certificate(readFileSync(join(target, DEV_PKI_FILES.caCert)));
    const server = new X509Certificate(readFileSync(join(target, DEV_PKI_FILES.serverCert)));
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkPrivateKey(createPrivateKey(readFileSync(join(target, DEV_PKI_FILES.serverKey))))).toBe(true);
  });

});

describe("ensureDevPki renews dev leaves close to expiry from the same CA", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "dev-pki-renew-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A complete dev PKI whose server (or client) leaf ends `daysLeft` days from now. */
  async function setWithLeafEnding(name: string, leaf: "server" | "client", daysLeft: number) {
    const target = join(dir, name);
    const made = await ensureDevPki(target);
    const ca = { cert: readFileSync(made.paths.caCert, "utf8"), key: readFileSync(made.paths.caKey, "utf8") };
    const pem = await generateLeaf(ca, {
      ...(leaf === "server" ? { subject: "localhost", serverNames: [...DEFAULT_SERVER_NAMES] } : { subject: "cks.kms.us-east-1.amazonaws.com", clientAuth: true }),
      notAfter: new Date(Date.now() + daysLeft * DAY),
      validDays: 400,
    });
    const [certFile, keyFile] = leaf === "server" ? [made.paths.serverCert, made.paths.serverKey] : [made.paths.clientCert, made.paths.clientKey];
    writeFileSync(certFile, pem.cert);
    writeFileSync(keyFile, pem.key, { mode: 0o600 });
    return { made, caPem: readFileSync(made.paths.caCert, "utf8"), certFile, keyFile, old: pem.cert };
  }

  it.each([
    ["expired", "server", -3],
    ["expiring within 30 days", "server", RENEW_WITHIN_DAYS - 1],
    ["expired (client)", "client", -1],
  ] as const)("a %s %s certificate is reissued from the kept CA", async (_what, leaf, daysLeft) => {
    const set = await setWithLeafEnding(`due-${leaf}-${daysLeft}`, leaf, daysLeft);
    const again = await ensureDevPki(set.made.dir);
    expect(again.created).toBe(false);
    expect(again.renewed).toEqual([{ file: set.certFile, oldNotAfter: expect.any(String), newNotAfter: expect.any(String) }]);
    expect(readFileSync(set.made.paths.caCert, "utf8")).toBe(set.caPem);
    const ca = new X509Certificate(set.caPem);
    const renewed = new X509Certificate(readFileSync(set.certFile));
    expect(renewed.toString()).not.toBe(new X509Certificate(set.old).toString());
    expect(renewed.verify(ca.publicKey)).toBe(true);
    expect(Date.parse(renewed.validTo) - Date.now()).toBeGreaterThan(800 * DAY);
    expect(renewed.checkPrivateKey(createPrivateKey(readFileSync(set.keyFile)))).toBe(true);
    if (leaf === "server") expect(renewed.checkHost("localhost")).toBe("localhost");
    else expect(renewed.subject).toBe("CN=cks.kms.us-east-1.amazonaws.com");
    if (process.platform !== "win32") expect(statSync(set.keyFile).mode & 0o777).toBe(0o600);
    // Nothing is due any more: the next call writes nothing.
    expect((await ensureDevPki(set.made.dir)).renewed).toEqual([]);
  });

  it("a leaf with more than 30 days left is kept as it is", async () => {
    const set = await setWithLeafEnding("not-due", "server", RENEW_WITHIN_DAYS + 2);
    expect((await ensureDevPki(set.made.dir)).renewed).toEqual([]);
    expect(readFileSync(set.certFile, "utf8")).toBe(set.old);
  });
});
