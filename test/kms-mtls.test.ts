/**
 * The local KMS and mTLS proxies: without a client certificate a Connect ends FAILED with the TLS error code (as
 * KMS's would), with one (StartLocalKmsOptions.clientCert) the store connects and serves; `xks-harness update`
 * passes its --client-cert to the checks; and the built `xks-mock --mtls` comes up with its demo store CONNECTED
 * (the dev PKI's client certificate), refusing a bad --kms-client-cert/--kms-client-key before anything listens.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { DecryptCommand, EncryptCommand, type KMSClient } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { MTLS_REQUIRED } from "../harness/check/tls-client-auth.js";
import { runUpdate } from "../harness/update/run-update.js";
import type { StartedLocalKms } from "../src/kms/index.js";
import { packageRoot } from "../src/package-root.js";
import { randomXksCredential } from "../src/client/random-credential.js";
import { runCli, scrubbedEnv } from "./helpers/cli-process.js";
import { connectStore, connectedKey, createStore, sdkClient, startTestKms } from "./helpers/kms-fixture.js";
import { pem, pkiPath, startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";

const MOCK = join(packageRoot(), "dist/src/bin/xks-mock.js");
const SEED = "kms mtls tests: the key material";

let proxy: TestProxy;
let plain: StartedLocalKms;
let withCert: StartedLocalKms;
let plainClient: KMSClient;
let certClient: KMSClient;

beforeAll(async () => {
  const OLD = randomXksCredential();
  const NEW = randomXksCredential();
  proxy = await startTestProxy(testConfig({ tls: { mtls: true }, keystores: ["m", "u"].map((n) => ({ name: n, pathPrefix: `/${n}`, credentials: [OLD, NEW], keySeed: SEED, keys: [{ id: "foo" }] })) }));
  [plain, withCert] = await Promise.all([startTestKms(), startTestKms({ clientCert: { cert: pem("clientCert"), key: pem("clientKey") } })]);
  plainClient = sdkClient(plain);
  certClient = sdkClient(withCert);
});
afterAll(async () => {
  plainClient?.destroy();
  certClient?.destroy();
  await Promise.all([plain?.stop(), withCert?.stop(), proxy?.stop()]);
});

describe("the local KMS and an mTLS proxy", () => {
  it("without a client certificate: CreateCustomKeyStore raises XksProxyUriUnreachableException (a TLS failure, as the check predicts)", async () => {
    await expect(createStore(plainClient, proxy)).rejects.toMatchObject({ name: "XksProxyUriUnreachableException", message: expect.stringContaining("TLS") });
  });

  it("without a client certificate: Connect of a store whose proxy turned to mTLS ends FAILED with XKS_PROXY_INVALID_TLS_CONFIGURATION", async () => {
    const keystores = [{ name: "c", pathPrefix: "/c", credentials: [randomXksCredential()], keySeed: SEED, keys: [{ id: "foo" }] }];
    const open = await startTestProxy(testConfig({ keystores }));
    const id = await createStore(plainClient, open);
    await open.stop();
    // The same port, now requiring a client certificate (mTLS cannot be turned on by a reload).
    const strict = await startTestProxy(testConfig({ port: open.port, tls: { mtls: true }, keystores }));
    try {
      const s = await connectStore(plainClient, plain, id);
      expect([s.ConnectionState, s.ConnectionErrorCode]).toEqual(["FAILED", "XKS_PROXY_INVALID_TLS_CONFIGURATION"]);
    } finally {
      await strict.stop();
    }
  });

  it("with the dev PKI's client certificate (KMS's subject): CONNECTED, and keys encrypt and decrypt", async () => {
    const key = await connectedKey(certClient, withCert, proxy);
    const blob = (await certClient.send(new EncryptCommand({ KeyId: key.keyId, Plaintext: Buffer.from("over mTLS") }))).CiphertextBlob!;
    const back = await certClient.send(new DecryptCommand({ CiphertextBlob: blob }));
    expect(Buffer.from(back.Plaintext!).toString()).toBe("over mTLS");
  });

  it("update: refused with the mTLS truth without --client-cert, updated with it", async () => {
    const [, NEW] = proxy.config().keystores[0]!.credentials;
    const key = await connectedKey(certClient, withCert, proxy, { keystore: "u" });
    const run = (clientCert?: { cert: string; key: string }) =>
      runUpdate({
        kms: certClient,
        store: { id: key.storeId },
        wanted: { accessKeyId: NEW!.accessKeyId, secretAccessKey: NEW!.secretAccessKey },
        check: { region: "us-east-1", keyIds: ["foo"], extraCa: [pem("caCert")], clientCert, dev: true, timeoutMs: 3000, verbose: false },
        dryRun: false,
        allowDisconnect: false,
        connectTimeoutMs: 5000,
        kmsEndpoint: withCert.url,
      });
    const refused = await run();
    expect(refused.outcome).toBe("refused");
    expect(refused.check?.checks.find((c) => c.id === "tls")?.detail.startsWith(MTLS_REQUIRED)).toBe(true);
    expect(refused.message).toContain("XksProxyUriUnreachableException");
    const updated = await run({ cert: pem("clientCert"), key: pem("clientKey") });
    expect(updated.outcome, updated.message).toBe("updated");
    expect(updated.after).toMatchObject({ state: "CONNECTED", accessKeyId: NEW!.accessKeyId });
  });
});

describe("xks-mock --mtls with the local KMS (built CLI)", () => {
  it("comes up with xks-demo and xks-demo-vpc CONNECTED through the dev PKI's client certificate", { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, [MOCK, "--mtls", "--port", "0", "--admin-port", "off", "--kms-port", "0", "--certs-dir", inject("pkiDir"), "--log-level", "silent"], { env: scrubbedEnv() });
    let stderr = "";
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no pre-wired stores within 20 s; stderr:\n${stderr}`)), 20_000);
        child.stderr.setEncoding("utf8").on("data", (s: string) => {
          stderr += s;
          if (/try: .*aws kms encrypt/.test(stderr)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once("exit", () => reject(new Error(`xks-mock exited; stderr:\n${stderr}`)));
      });
      expect(stderr).toMatch(/custom key store xks-demo \(cks-[0-9a-f]+\) CONNECTED/);
      expect(stderr).toMatch(/custom key store xks-demo-vpc \(cks-[0-9a-f]+\) CONNECTED/);
      expect(stderr).toContain(`local KMS presents the client certificate ${pkiPath("clientCert")}`);
      expect(stderr).not.toContain("could not pre-wire");
    } finally {
      child.kill("SIGTERM");
    }
  });

  it.each([
    { name: "a certificate without its key", args: ["--kms-client-cert", "CERT"], says: "--kms-client-cert and --kms-client-key go together" },
    { name: "another certificate's key", args: ["--kms-client-cert", "CERT", "--kms-client-key", "SERVER_KEY"], says: "--kms-client-key" },
    { name: "a key as the certificate", args: ["--kms-client-cert", "SERVER_KEY", "--kms-client-key", "SERVER_KEY"], says: "--kms-client-cert" },
  ])("$name → exit 2 naming the flag, before anything listens", { timeout: 20_000 }, async ({ args, says }) => {
    const files: Record<string, string> = { CERT: pkiPath("clientCert"), SERVER_KEY: pkiPath("serverKey") };
    const r = await runCli(MOCK, ["--mtls", "--port", "0", "--admin-port", "off", "--kms-port", "0", "--certs-dir", inject("pkiDir"), ...args.map((a) => files[a] ?? a)]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(says);
    expect(r.stderr).not.toContain("listening");
  });
});
