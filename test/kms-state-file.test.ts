/**
 * The local KMS's state file: what persists across a restart, what a corrupt file gets (refused, untouched), its
 * mode, and that kill -9 in the middle of a stream of writes leaves a file that parses and holds a prefix of them.
 * Also: the mock proxy's default key material survives a restart, so a ciphertext made before decrypts after.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CreateAliasCommand, DecryptCommand, DescribeCustomKeyStoresCommand, EncryptCommand, KMSClient, ListAliasesCommand, ListKeysCommand } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { StateFileError } from "../src/kms/index.js";
import { loadState, saveState } from "../src/kms/state-file.js";
import { emptyState, type KmsState } from "../src/kms/state.js";
import { connectedKey, sdkClient, startTestKms } from "./helpers/kms-fixture.js";
import { closedPort } from "./helpers/check-servers.js";
import { startTestProxy, testConfig } from "./helpers/proxy-fixture.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST_KMS = join(ROOT, "dist/src/kms/index.js");
const DIST_LOG = join(ROOT, "dist/src/proxy/request-log.js");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "xks-kms-state-"));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("persistence across stop/start", () => {
  it("keeps stores (with their state), keys and aliases; the file is owner-only (0600)", async () => {
    const file = join(dir, "persist.json");
    const proxy = await startTestProxy(testConfig());
    try {
      const first = await startTestKms({ stateFile: file });
      const c1 = sdkClient(first);
      let key: Awaited<ReturnType<typeof connectedKey>>;
      let blob: Uint8Array;
      try {
        key = await connectedKey(c1, first, proxy);
        await c1.send(new CreateAliasCommand({ AliasName: "alias/persisted", TargetKeyId: key.keyId }));
        blob = (await c1.send(new EncryptCommand({ KeyId: "alias/persisted", Plaintext: Buffer.from("kept"), EncryptionContext: { a: "b" } }))).CiphertextBlob!;
      } finally {
        c1.destroy();
        await first.stop();
      }
      expect(statSync(file).mode & 0o777).toBe(0o600);
      // The file holds the proxy secret (KMS signs with it); that is why it is owner-only.
      expect(readFileSync(file, "utf8")).toContain(testConfig().keystores[0]!.credentials[0]!.secretAccessKey);

      const second = await startTestKms({ stateFile: file });
      const c2 = sdkClient(second);
      try {
        const stores = (await c2.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: key.storeId }))).CustomKeyStores!;
        expect(stores).toEqual([expect.objectContaining({ CustomKeyStoreId: key.storeId, ConnectionState: "CONNECTED" })]);
        expect((await c2.send(new ListKeysCommand({}))).Keys).toEqual([{ KeyId: key.keyId, KeyArn: key.arn }]);
        expect((await c2.send(new ListAliasesCommand({}))).Aliases).toEqual([expect.objectContaining({ AliasName: "alias/persisted", TargetKeyId: key.keyId })]);
        const dec = await c2.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { a: "b" } }));
        expect(Buffer.from(dec.Plaintext!).toString()).toBe("kept");
        await c2.send(new CreateAliasCommand({ AliasName: "alias/second-run", TargetKeyId: key.keyId }));
      } finally {
        c2.destroy();
        await second.stop();
      }
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(loadState(file).aliases.map((a) => a.aliasName)).toEqual(["alias/persisted", "alias/second-run"]);
    } finally {
      await proxy.stop();
    }
  });
});

describe("a corrupt state file is refused with StateFileError naming it, and left untouched", () => {
  const cases = [
    { what: "not JSON", text: '{"version":1,"customKeyStores":[' },
    { what: "empty", text: "" },
    { what: "JSON of the wrong shape", text: JSON.stringify({ version: 1, customKeyStores: [{ id: 7 }], keys: [], aliases: [] }) },
    { what: "an unknown version", text: JSON.stringify({ ...emptyState(), version: 2 }) },
    { what: "a JSON array", text: "[]" },
  ];
  it.each(cases)("$what", async ({ text }) => {
    const file = join(dir, `corrupt-${randomUUID()}.json`);
    writeFileSync(file, text, { mode: 0o600 });
    const before = statSync(file);
    let caught: unknown;
    try {
      const kms = await startTestKms({ stateFile: file });
      await kms.stop();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StateFileError);
    expect((caught as Error).message).toContain(file);
    expect((caught as Error).message).toMatch(/corrupt.*refusing/);
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(() => loadState(file)).toThrow(StateFileError);
  });
});

describe("a store caught mid-transition by a crash", () => {
  it("CONNECTING comes back FAILED (INTERNAL_ERROR), DISCONNECTING comes back DISCONNECTED, and that is saved", async () => {
    const file = join(dir, "transitions.json");
    const state = emptyState();
    const xks = { uriEndpoint: "https://localhost:1", uriPath: "/kms/xks/v1", accessKeyId: "ABCDEFGHIJKLMNOPQRSTUVWX", secretAccessKey: "A".repeat(44), connectivity: "PUBLIC_ENDPOINT" as const };
    state.customKeyStores.push(
      { id: "cks-00000000000000001", name: "was-connecting", region: "us-east-1", connectionState: "CONNECTING", creationDate: 1, xks },
      { id: "cks-00000000000000002", name: "was-disconnecting", region: "us-east-1", connectionState: "DISCONNECTING", creationDate: 1, xks: { ...xks, uriPath: "/two/kms/xks/v1" } },
    );
    saveState(file, state);
    const kms = await startTestKms({ stateFile: file });
    const c = sdkClient(kms);
    try {
      const stores = (await c.send(new DescribeCustomKeyStoresCommand({}))).CustomKeyStores!;
      expect(stores.map((s) => [s.CustomKeyStoreName, s.ConnectionState, s.ConnectionErrorCode])).toEqual([
        ["was-connecting", "FAILED", "INTERNAL_ERROR"],
        ["was-disconnecting", "DISCONNECTED", undefined],
      ]);
    } finally {
      c.destroy();
      await kms.stop();
    }
    expect(loadState(file).customKeyStores.map((s) => s.connectionState)).toEqual(["FAILED", "DISCONNECTED"]);
  });
});

describe("kill -9 in the middle of writes", () => {
  /** A local KMS in a child process that creates aliases alias/k-<n> one after another, printing "ok <n>" per answer. */
  const CHILD = `
    const { startLocalKms } = await import(${JSON.stringify(pathToFileURL(DIST_KMS).href)});
    const { createLogger } = await import(${JSON.stringify(pathToFileURL(DIST_LOG).href)});
    const kms = await startLocalKms({ port: 0, stateFile: process.env.STATE_FILE, logger: createLogger("silent") });
    for (let n = Number(process.env.START); ; n++) {
      const res = await fetch(kms.url, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.CreateAlias" },
        body: JSON.stringify({ AliasName: "alias/k-" + n, TargetKeyId: process.env.TARGET }),
      });
      if (res.status !== 200) throw new Error(await res.text());
      process.stdout.write("ok " + n + "\\n");
    }
  `;

  /** Runs the child until it has acknowledged `writes` aliases, then SIGKILLs it; returns the last acknowledged n. */
  async function writeThenKill(file: string, start: number, target: string, writes: number): Promise<number> {
    const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD], { env: { ...process.env, STATE_FILE: file, START: String(start), TARGET: target }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    let last = -1;
    let acked = 0;
    try {
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`only ${acked} of ${writes} writes within 15 s; stderr: ${stderr}`)), 15_000);
        child.once("exit", (code) => {
          clearTimeout(timer);
          fail(new Error(`the child exited (${code}) after ${acked} writes; stderr: ${stderr}`));
        });
        createInterface({ input: child.stdout }).on("line", (line) => {
          const m = /^ok (\d+)$/.exec(line);
          if (!m) return;
          last = Number(m[1]);
          if (++acked === writes) {
            clearTimeout(timer);
            child.kill("SIGKILL");
            done();
          }
        });
      });
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
    return last;
  }

  it("the file always parses and holds every acknowledged write, in order (a prefix of the writes)", async () => {
    const file = join(dir, "kill9.json");
    const state: KmsState = emptyState();
    const keyId = randomUUID();
    state.customKeyStores.push({
      id: "cks-0123456789abcdef0",
      name: "kill9",
      region: "us-east-1",
      connectionState: "DISCONNECTED",
      creationDate: 1,
      xks: { uriEndpoint: "https://localhost:1", uriPath: "/kms/xks/v1", accessKeyId: "ABCDEFGHIJKLMNOPQRSTUVWX", secretAccessKey: "A".repeat(44), connectivity: "PUBLIC_ENDPOINT" },
    });
    state.keys.push({ keyId, region: "us-east-1", customKeyStoreId: "cks-0123456789abcdef0", xksKeyId: "foo", description: "", keyState: "Enabled", creationDate: 1 });
    saveState(file, state);

    for (const writes of [7, 31, 64]) {
      const start = loadState(file).aliases.length;
      const last = await writeThenKill(file, start, keyId, writes);
      expect(last).toBe(start + writes - 1);
      const after = loadState(file);
      const names = after.aliases.map((a) => a.aliasName);
      // Every answered write is on disk; at most the one in flight when the signal hit may be there too.
      expect(names.length).toBeGreaterThanOrEqual(last + 1);
      expect(names.length).toBeLessThanOrEqual(last + 2);
      expect(names).toEqual(names.map((_, i) => `alias/k-${i}`));
      expect(after.keys.map((k) => k.keyId)).toEqual([keyId]);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
  }, 60_000);
});

describe("the mock proxy's default key material is stable across restarts", () => {
  const CLI = join(ROOT, "dist/src/bin/xks-mock.js");

  /** xks-mock with the local KMS and the demo store; resolves once the banner names both, with the KMS URL and store id. */
  async function startMock(args: string[]) {
    const child = spawn(process.execPath, [CLI, ...args], { env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("XKS_"))), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    const banner = await new Promise<RegExpMatchArray>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`xks-mock did not come up within 15 s:\n${stderr}`)), 15_000);
      child.once("exit", () => fail(new Error(`xks-mock exited:\n${stderr}`)));
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const m = /local KMS on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*custom key store xks-demo \((cks-[0-9a-f]+)\) CONNECTED;[\s\S]*custom key store xks-demo-vpc \((cks-[0-9a-f]+)\) CONNECTED via VPC endpoint service com\.amazonaws\.vpce\./.exec(stderr);
        if (m || /could not pre-wire/.test(stderr)) {
          clearTimeout(timer);
          m ? done(m) : fail(new Error(`xks-mock could not pre-wire the demo store:\n${stderr}`));
        }
      });
    });
    return {
      kmsUrl: banner[1]!,
      storeId: banner[2]!,
      vpcStoreId: banner[3]!,
      async stop() {
        child.kill("SIGTERM");
        return exited;
      },
    };
  }

  it("xks-mock --state: alias/xks-demo and alias/xks-demo-vpc (through the default VPC endpoint service) encrypt; after a restart of xks-mock (proxy and KMS) the ciphertext decrypts", async () => {
    const file = join(dir, "xks-mock.json");
    const args = ["--port", String(await closedPort()), "--admin-port", "off", "--kms-port", "0", "--state", file, "--certs-dir", inject("pkiDir"), "--log-level", "silent"];
    const kmsClient = (url: string) => new KMSClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "x" }, maxAttempts: 1 });

    const first = await startMock(args);
    let blob: Uint8Array;
    let vpcBlob: Uint8Array;
    const c1 = kmsClient(first.kmsUrl);
    try {
      blob = (await c1.send(new EncryptCommand({ KeyId: "alias/xks-demo", Plaintext: Buffer.from("hello from before") }))).CiphertextBlob!;
      vpcBlob = (await c1.send(new EncryptCommand({ KeyId: "alias/xks-demo-vpc", Plaintext: Buffer.from("through the VPC store") }))).CiphertextBlob!;
    } finally {
      c1.destroy();
      expect(await first.stop()).toBe(0);
    }

    const second = await startMock(args);
    const c2 = kmsClient(second.kmsUrl);
    try {
      // The demo store is reused from the state file, not made again.
      expect(second.storeId).toBe(first.storeId);
      expect(second.vpcStoreId).toBe(first.vpcStoreId);
      const dec = await c2.send(new DecryptCommand({ CiphertextBlob: blob }));
      expect(Buffer.from(dec.Plaintext!).toString()).toBe("hello from before");
      const vpcDec = await c2.send(new DecryptCommand({ CiphertextBlob: vpcBlob }));
      expect(Buffer.from(vpcDec.Plaintext!).toString()).toBe("through the VPC store");
      expect((await c2.send(new ListKeysCommand({}))).Keys).toHaveLength(2);
    } finally {
      c2.destroy();
      expect(await second.stop()).toBe(0);
    }
  }, 40_000);

  it("a ciphertext made before restarting both the mock (same default config) and the local KMS decrypts after", async () => {
    const file = join(dir, "restart.json");
    const proxy1 = await startTestProxy(testConfig());
    const port = proxy1.port;
    const kms1 = await startTestKms({ stateFile: file });
    const c1 = sdkClient(kms1);
    let blob: Uint8Array;
    try {
      const key = await connectedKey(c1, kms1, proxy1);
      blob = (await c1.send(new EncryptCommand({ KeyId: key.keyId, Plaintext: Buffer.from("across restarts"), EncryptionContext: { run: "1" } }))).CiphertextBlob!;
    } finally {
      c1.destroy();
      await kms1.stop();
      await proxy1.stop();
    }

    // Same default config on the same port: the key material comes from the public default seed, not the process.
    const proxy2 = await startTestProxy(testConfig({ port }));
    const kms2 = await startTestKms({ stateFile: file });
    const c2 = sdkClient(kms2);
    try {
      const dec = await c2.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { run: "1" } }));
      expect(Buffer.from(dec.Plaintext!).toString()).toBe("across restarts");
    } finally {
      c2.destroy();
      await kms2.stop();
      await proxy2.stop();
    }
  });
});
