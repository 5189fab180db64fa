/**
 * The local KMS's state file under stress and damage: a burst of concurrent changes (real SDK, real proxy, KMS's
 * 250 ms budget per proxy call) all answered and all on disk after a restart; tmp files a killed writer left are
 * removed at start; one process per file; a refusal never quotes the file's content.
 */
import { randomUUID } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { ConnectCustomKeyStoreCommand, CreateCustomKeyStoreCommand, CreateKeyCommand, DescribeCustomKeyStoresCommand, KMSClient, ListKeysCommand } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { StateFileError } from "../src/kms/index.js";
import { saveState } from "../src/kms/state-file.js";
import { StateStore } from "../src/kms/state-store.js";
import { emptyState } from "../src/kms/state.js";
import { packageRoot } from "../src/package-root.js";
import { defaultConfigInput } from "../src/proxy/config-schema.js";
import { XKS_API_SUFFIX } from "../src/xks/constants.js";
import { scrubbedEnv } from "./helpers/cli-process.js";
import { expectKmsError, sdkClient, startTestKms } from "./helpers/kms-fixture.js";
import { LogCapture } from "./helpers/proxy-fixture.js";
import { createLogger } from "../src/proxy/request-log.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "xks-kms-safety-"));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("state writes do not starve proxy calls", () => {
  const KEYS = 20;
  /** A lived-in state file (this many aliases): each write then costs what it does in real use, not a few bytes. */
  const ALIASES = 10000;

  /** xks-mock (proxy and local KMS in one process, KMS's real 250 ms budget per proxy call) with `config` and --state. */
  async function startMock(configFile: string, state: string) {
    const child = spawn(process.execPath, [join(packageRoot(), "dist/src/bin/xks-mock.js"), "--config", configFile, "--port", "0", "--admin-port", "off", "--kms-port", "0", "--state", state, "--no-demo-store", "--certs-dir", inject("pkiDir"), "--log-level", "silent"], {
      env: scrubbedEnv(),
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    const exited = once(child, "exit").then(([code]) => code as number | null);
    const m = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`xks-mock did not start within 15 s:\n${stderr}`)), 15_000);
      void exited.then(() => reject(new Error(`xks-mock exited:\n${stderr}`)));
      child.stderr.setEncoding("utf8").on("data", (d: string) => {
        stderr += d;
        const found = /xks-mock listening on (https:\/\/127\.0\.0\.1:\d+)[\s\S]*local KMS on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
    });
    const client = new KMSClient({ endpoint: m[2]!, region: "us-east-1", credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "x" }, maxAttempts: 1 });
    return {
      proxyPort: Number(new URL(m[1]!).port),
      client,
      async stop() {
        client.destroy();
        child.kill("SIGTERM");
        return exited;
      },
    };
  }

  it(`${KEYS} concurrent CreateKey against xks-mock --state: every one succeeds, and every acknowledged key is there after a restart`, async () => {
    const file = join(dir, "burst.json");
    const lived = emptyState();
    for (let i = 0; i < ALIASES; i++) lived.aliases.push({ aliasName: `alias/lived-in-${i}`, region: "us-east-1", targetKeyId: randomUUID(), creationDate: 1 });
    saveState(file, lived);
    const base = defaultConfigInput().keystores[0]!;
    const keyIds = Array.from({ length: KEYS }, (_, i) => `burst-${i}`);
    const configFile = join(dir, "burst-config.json");
    writeFileSync(configFile, JSON.stringify({ keystores: [{ ...base, keys: keyIds.map((id) => ({ id })) }] }));
    const credential = base.credentials[0]!;

    const acknowledged: string[] = [];
    const mock = await startMock(configFile, file);
    try {
      const { CustomKeyStoreId } = await mock.client.send(
        new CreateCustomKeyStoreCommand({
          CustomKeyStoreName: "burst",
          CustomKeyStoreType: "EXTERNAL_KEY_STORE",
          XksProxyUriEndpoint: `https://localhost:${mock.proxyPort}`,
          XksProxyUriPath: `${base.pathPrefix}${XKS_API_SUFFIX}`,
          XksProxyConnectivity: "PUBLIC_ENDPOINT",
          XksProxyAuthenticationCredential: { AccessKeyId: credential.accessKeyId, RawSecretAccessKey: credential.secretAccessKey },
        }),
      );
      await mock.client.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId }));
      await expect.poll(async () => (await mock.client.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId }))).CustomKeyStores![0]!.ConnectionState, { timeout: 10_000 }).toBe("CONNECTED");
      const results = await Promise.allSettled(keyIds.map((XksKeyId) => mock.client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId, XksKeyId }))));
      for (const r of results) if (r.status === "fulfilled") acknowledged.push(r.value.KeyMetadata!.KeyId!);
      const failures = results.flatMap((r) => (r.status === "rejected" ? [`${(r.reason as Error).name}: ${(r.reason as Error).message}`] : []));
      expect(failures, "CreateKey calls that failed").toEqual([]);
    } finally {
      expect(await mock.stop()).toBe(0);
    }

    const again = await startMock(configFile, file);
    try {
      const listed = (await again.client.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.map((k) => k.KeyId);
      expect(listed.sort()).toEqual(acknowledged.sort());
    } finally {
      expect(await again.stop()).toBe(0);
    }
  }, 60_000);
});

describe("at start", () => {
  it("tmp files a killed writer left (<state>.<pid>.tmp, any pid) are removed; other files are not", async () => {
    const file = join(dir, "orphans.json");
    saveState(file, emptyState());
    const orphans = [`${file}.4242.tmp`, `${file}.1.tmp`];
    const kept = [`${file}.backup`, `${file}.x.tmp`, join(dir, "other.json.4242.tmp")];
    for (const f of [...orphans, ...kept]) writeFileSync(f, '{"secret":"left behind"}', { mode: 0o600 });
    const kms = await startTestKms({ stateFile: file });
    try {
      expect(orphans.filter(existsSync)).toEqual([]);
      expect(kept.filter(existsSync)).toEqual(kept);
    } finally {
      await kms.stop();
    }
  });

  it("a second store on a file this process already holds is refused, naming the holder; stop() releases it", async () => {
    const file = join(dir, "held.json");
    const first = StateStore.open(file);
    expect(() => StateStore.open(file)).toThrow(new RegExp(`state file ${file} is in use by pid ${process.pid} \\(started .*\\); stop it or use another --state`));
    await first.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    await StateStore.open(file).close();
  });

  it("a lock naming this very pid that this process does not hold (a container's pid 1, restarted) is taken over", async () => {
    const file = join(dir, "pid-reused.json");
    const old = { pid: process.pid, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" };
    writeFileSync(`${file}.lock`, JSON.stringify(old));
    const store = StateStore.open(file);
    try {
      const now = JSON.parse(readFileSync(`${file}.lock`, "utf8")) as typeof old;
      expect(now).toMatchObject({ pid: process.pid, host: hostname() });
      expect(now.startedAt).not.toBe(old.startedAt);
    } finally {
      await store.close();
    }
  });

  it("a state file of the wrong shape is refused naming the fields, without echoing any value", async () => {
    const secret = `Secret${randomUUID().replace(/-/g, "")}`;
    const file = join(dir, "shape.json");
    const record = { id: "cks-1", name: "n", region: "us-east-1", connectionState: secret, creationDate: 1, xks: { uriEndpoint: 7, uriPath: "/p", accessKeyId: "A", secretAccessKey: 12345, connectivity: secret } };
    const text = JSON.stringify({ version: secret, customKeyStores: [record], keys: [], aliases: [] });
    writeFileSync(file, text, { mode: 0o600 });
    let caught: unknown;
    try {
      await (await startTestKms({ stateFile: file })).stop();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(StateFileError);
    const message = (caught as Error).message;
    expect(message).toMatch(/version: .*customKeyStores\.0\.connectionState: .*customKeyStores\.0\.xks\.uriEndpoint: expected string/);
    for (let i = 0; i + 8 <= secret.length; i++) expect(message).not.toContain(secret.slice(i, i + 8));
    expect(message).not.toContain("12345");
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});

describe("a write that fails", () => {
  it("fails the call (KMSInternalException) and changes nothing; the next write works again", async () => {
    const sub = join(dir, "vanishing");
    mkdirSync(sub);
    const file = join(sub, "state.json");
    // VPC_ENDPOINT_SERVICE: KMS probes such a store only at connect, so creating one is a pure state change (once
    // its endpoint service, declared here, meets KMS's requirements).
    const endpointServices = ["lost", "kept"].map((name) => ({ serviceName: `com.amazonaws.vpce.us-east-1.vpce-svc-${name}`, privateDnsName: `${name}.example.com`, target: "https://127.0.0.1:9" }));
    const kms = await startTestKms({ stateFile: file, endpointServices: { endpointServices } });
    const client = sdkClient(kms);
    const create = (name: string) =>
      client.send(
        new CreateCustomKeyStoreCommand({
          CustomKeyStoreName: name,
          CustomKeyStoreType: "EXTERNAL_KEY_STORE",
          XksProxyUriEndpoint: `https://${name}.example.com`,
          XksProxyUriPath: "/kms/xks/v1",
          XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
          XksProxyVpcEndpointServiceName: `com.amazonaws.vpce.us-east-1.vpce-svc-${name}`,
          XksProxyAuthenticationCredential: { AccessKeyId: "ABCDEFGHIJKLMNOPQRSTUVWX", RawSecretAccessKey: "A".repeat(44) },
        }),
      );
    try {
      rmSync(sub, { recursive: true });
      await expectKmsError(create("lost"), "KMSInternalException");
      expect((await client.send(new DescribeCustomKeyStoresCommand({}))).CustomKeyStores).toEqual([]);
      mkdirSync(sub);
      await create("kept");
      expect((await client.send(new DescribeCustomKeyStoresCommand({}))).CustomKeyStores!.map((x) => x.CustomKeyStoreName)).toEqual(["kept"]);
    } finally {
      client.destroy();
      await kms.stop();
    }
    expect(JSON.parse(readFileSync(file, "utf8")).customKeyStores.map((x: { name: string }) => x.name)).toEqual(["kept"]);
  });

  const CREDENTIAL = { AccessKeyId: "ABCDEFGHIJKLMNOPQRSTUVWX", RawSecretAccessKey: "A".repeat(44) };

  /** A local KMS whose next state write meets a full disk, and a CreateCustomKeyStore that makes one. */
  async function onFullDisk(name: string) {
    const sub = join(dir, name);
    mkdirSync(sub);
    const file = join(sub, "state.json");
    const serviceName = `com.amazonaws.vpce.us-east-1.vpce-svc-${name.replace(/[^a-z0-9]/g, "")}`;
    const logs = new LogCapture();
    const declared = { serviceName, privateDnsName: `${name}.example.com`, target: "https://127.0.0.1:9" };
    const endpointServices = { endpointServices: [declared] };
    const kms = await startTestKms({ stateFile: file, endpointServices, logger: createLogger("info", logs) });
    const client = sdkClient(kms);
    // The temporary file this process writes next is /dev/full: it opens, and every write fails with ENOSPC, as on
    // a full disk. Made after start, which removes files of that name.
    const tmp = `${file}.${process.pid}.tmp`;
    symlinkSync("/dev/full", tmp);
    const create = () =>
      client.send(
        new CreateCustomKeyStoreCommand({
          CustomKeyStoreName: name,
          CustomKeyStoreType: "EXTERNAL_KEY_STORE",
          XksProxyUriEndpoint: `https://${name}.example.com`,
          XksProxyUriPath: "/kms/xks/v1",
          XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
          XksProxyVpcEndpointServiceName: serviceName,
          XksProxyAuthenticationCredential: CREDENTIAL,
        }),
      );
    const tmpFiles = () => readdirSync(sub).filter((n) => n.endsWith(".tmp"));
    const stop = async () => {
      client.destroy();
      await kms.stop();
    };
    return { file, tmp, client, create, tmpFiles, stop, logs };
  }

  it("removes its temporary file (it would hold the stores' secrets), and keeps the state", async () => {
    const disk = await onFullDisk("full-tmp");
    try {
      await expectKmsError(disk.create(), "KMSInternalException");
      expect(() => lstatSync(disk.tmp), "the temporary file is removed").toThrow(/ENOENT/);
      expect(disk.tmpFiles()).toEqual([]);
      expect((await disk.client.send(new DescribeCustomKeyStoresCommand({}))).CustomKeyStores).toEqual([]);
    } finally {
      await disk.stop();
    }
    expect(disk.tmpFiles()).toEqual([]);
  });

  it("on a full disk (ENOSPC) the answer says so, with the file and the fix, and so does the log", async () => {
    const disk = await onFullDisk("full-message");
    try {
      const e = await expectKmsError(disk.create(), "KMSInternalException");
      const why = `disk full (ENOSPC) at ${disk.file}; free space or use --state elsewhere`;
      const message = `the state file could not be written: ${why}`;
      expect(e.message).toBe(message);
      expect(e.$metadata.httpStatusCode).toBe(500);
      const logged = expect.objectContaining({ level: 50, msg: "state file write failed", reason: message });
      expect(disk.logs.records()).toContainEqual(logged);
    } finally {
      await disk.stop();
    }
  });
});
