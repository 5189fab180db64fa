/**
 * `xks-harness update` end to end: runUpdate with the real AWS SDK against the local KMS and real mock proxies, and
 * the built CLI (`node dist/harness/cli.js update --kms-endpoint …`) for exit codes, --json and secrecy. Each
 * scenario of issue 5: credential rotation, path change while connected, endpoint move (refused without
 * --allow-disconnect, done with it), a wrong new secret and a proxy on other key material (refused, and the local
 * KMS's request log proves no UpdateCustomKeyStore was sent), and a proxy that went down.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  DecryptCommand,
  DisconnectCustomKeyStoreCommand,
  EncryptCommand,
  type KMSClient,
} from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runUpdate, type UpdateOptions, type UpdateReport } from "../harness/update/run-update.js";
import type { UpdateFlags } from "../harness/update/command.js";
import { updateCommand } from "../harness/update/update-action.js";
import type { StartedLocalKms } from "../src/kms/index.js";
import { packageRoot } from "../src/package-root.js";
import type { XksCredential } from "../src/xks/sigv4/sign.js";
import { runCli } from "./helpers/cli-process.js";
import { addFault as addFaultTo, adminAuth } from "./helpers/admin-faults.js";
import { connectStore, connectedKey, describeStore, endpointOf, kmsRequests, operationsSince, pathOf, proxyRecords, sdkClient, startTestKms } from "./helpers/kms-fixture.js";
import { pem, pkiPath, startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";
import { randomXksCredential } from "../src/client/random-credential.js";

const SEED = "update tests: the key manager's key material";
const OTHER_SEED = "update tests: some other key material";
const MUTATING = new Set(["UpdateCustomKeyStore", "DisconnectCustomKeyStore", "ConnectCustomKeyStore"]);

/** One keystore per prefix, all with `credentials` and the same key material unless told otherwise. */
function proxyConfig(prefixes: string[], credentials: XksCredential[], keySeed = SEED) {
  return testConfig({ keystores: prefixes.map((p) => ({ name: `ks-${p}`, pathPrefix: `/${p}`, credentials, keySeed, keys: [{ id: "foo" }] })) });
}

let kms: StartedLocalKms;
let client: KMSClient;
const proxies: TestProxy[] = [];

async function proxy(prefixes: string[], credentials: XksCredential[], keySeed = SEED): Promise<TestProxy> {
  const p = await startTestProxy(proxyConfig(prefixes, credentials, keySeed));
  proxies.push(p);
  return p;
}

beforeAll(async () => {
  // The VPC store test names this endpoint service (private DNS name localhost); it never connects through it.
  kms = await startTestKms({ endpointServices: { endpointServices: [{ serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", privateDnsName: "localhost", target: "https://127.0.0.1:9" }] } });
  client = sdkClient(kms);
});
afterAll(async () => {
  client?.destroy();
  await kms?.stop();
  await Promise.all(proxies.map((p) => p.stop()));
});

/** runUpdate with local-use check options (--dev, the test CA, key foo checked). */
function update(storeId: string, wanted: UpdateOptions["wanted"], o: Partial<UpdateOptions> = {}): Promise<UpdateReport> {
  return runUpdate({
    kms: client,
    store: { id: storeId },
    wanted,
    check: { region: "us-east-1", keyIds: ["foo"], extraCa: [pem("caCert")], dev: true, timeoutMs: 3000, verbose: false },
    dryRun: false,
    allowDisconnect: false,
    connectTimeoutMs: 5000,
    kmsEndpoint: kms.url,
    ...o,
  });
}

async function encrypt(keyId: string, text: string): Promise<Uint8Array> {
  return (await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text), EncryptionContext: { t: "update" } }))).CiphertextBlob!;
}
async function decrypt(blob: Uint8Array): Promise<string> {
  return Buffer.from((await client.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { t: "update" } }))).Plaintext!).toString();
}

/** No secret, and no 8-character piece of one: a partial leak is a leak. */
function expectNoSecret(text: string, secrets: string[]): void {
  for (const secret of secrets) {
    for (let i = 0; i + 8 <= secret.length; i++) expect(text.includes(secret.slice(i, i + 8)), `a piece of a secret was printed: ${secret.slice(i, i + 8)}`).toBe(false);
  }
}

/** Asserts the outcome, showing the report's message and failed checks when it differs. */
function expectOutcome(r: UpdateReport, outcome: UpdateReport["outcome"]): void {
  const why = [r.message, ...(r.check?.checks.filter((c) => c.status === "fail").map((c) => `${c.id}: ${c.detail}`) ?? [])].join("\n");
  expect(r.outcome, why).toBe(outcome);
}

describe("credential rotation", () => {
  it("proxy holds OLD and NEW → update to NEW → the proxy drops OLD; KMS keys keep working throughout", async () => {
    const OLD = randomXksCredential();
    const NEW = randomXksCredential();
    const p = await proxy(["rot"], [OLD, NEW]);
    const key = await connectedKey(client, kms, p, { credential: OLD });
    const before = await encrypt(key.keyId, "before rotation");

    // Encrypt/decrypt without pause while the update runs: a CONNECTED store keeps serving.
    let done = false;
    let rounds = 0;
    const traffic = (async () => {
      while (!done) {
        expect(await decrypt(await encrypt(key.keyId, `during ${rounds}`))).toBe(`during ${rounds}`);
        rounds++;
      }
    })();
    const from = (await kmsRequests(kms)).length;
    const startedAt = Date.now();
    let report: UpdateReport;
    try {
      report = await update(key.storeId, { accessKeyId: NEW.accessKeyId, secretAccessKey: NEW.secretAccessKey }, { currentSecret: OLD.secretAccessKey });
    } finally {
      done = true;
      await traffic;
    }
    expectOutcome(report, "updated");
    expect(rounds).toBeGreaterThan(0);
    expect(report.plan?.calls.map((c) => c.operation)).toEqual(["UpdateCustomKeyStore"]);
    expect(report.plan?.keysUnavailable).toBe(false);
    expect(report.check?.checks.find((c) => c.id === "continuity")?.status).toBe("pass");
    expect(report.after).toMatchObject({ state: "CONNECTED", accessKeyId: NEW.accessKeyId });
    expect((await operationsSince(kms, from)).filter((op) => MUTATING.has(op))).toEqual(["UpdateCustomKeyStore"]);
    expectNoSecret(JSON.stringify(report), [NEW.secretAccessKey, OLD.secretAccessKey]);

    // KMS may sign with OLD for five more minutes: the report says until when, counted from the end of the calls.
    const settling = report.settling!;
    expect(settling).toMatchObject({ oldAccessKeyId: OLD.accessKeyId, newAccessKeyId: NEW.accessKeyId, oldUri: null, secretMayHaveChanged: false });
    expect(Date.parse(settling.updatedAt)).toBeGreaterThanOrEqual(startedAt);
    expect(Date.parse(settling.updatedAt)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(settling.oldCredentialKeepUntil!) - Date.parse(settling.updatedAt)).toBe(5 * 60_000);
    expect(settling.fullyEffectiveBy).toBe(settling.oldCredentialKeepUntil);
    // How to see the switch on the mock: NEW's lastAuthenticatedAt moves with KMS's calls, OLD's stands still.
    const used = async () => {
      const ks = (await (await fetch(`${p.adminUrl}/keystores`, { headers: adminAuth(p) })).json()) as { credentials: { accessKeyId: string; lastAuthenticatedAt: string | null }[] }[];
      return Object.fromEntries(ks[0]!.credentials.map((c) => [c.accessKeyId, c.lastAuthenticatedAt]));
    };
    const seen = await used();
    expect(await decrypt(await encrypt(key.keyId, "after the update"))).toBe("after the update");
    const later = await used();
    expect(seen[OLD.accessKeyId]).not.toBeNull();
    expect(later[OLD.accessKeyId]).toBe(seen[OLD.accessKeyId]);
    expect(Date.parse(later[NEW.accessKeyId]!)).toBeGreaterThanOrEqual(Date.parse(seen[NEW.accessKeyId]!));
    expect(Date.parse(later[NEW.accessKeyId]!)).toBeGreaterThan(Date.parse(later[OLD.accessKeyId]!));

    // The proxy forgets OLD: KMS signs with NEW already.
    await p.reload(proxyConfig(["rot"], [NEW]));
    const calls = proxyRecords(p).length;
    expect(await decrypt(before)).toBe("before rotation");
    expect(await decrypt(await encrypt(key.keyId, "after rotation"))).toBe("after rotation");
    expect(proxyRecords(p).slice(calls).map((r) => [r.accessKeyId, r.status])).toEqual([
      [NEW.accessKeyId, 200],
      [NEW.accessKeyId, 200],
      [NEW.accessKeyId, 200],
    ]);
  });
});

describe("path change while connected", () => {
  it("moves to another prefix of the same key manager: updated and verified, no disconnect, old ciphertexts decrypt", async () => {
    const cred = randomXksCredential();
    const p = await proxy(["one", "two"], [cred]);
    const key = await connectedKey(client, kms, p, { keystore: "ks-one" });
    const before = await encrypt(key.keyId, "on path one");
    const from = (await kmsRequests(kms)).length;
    const report = await update(key.storeId, { path: pathOf(p, "ks-two"), secretAccessKey: cred.secretAccessKey }, { currentSecret: cred.secretAccessKey });
    expectOutcome(report, "updated");
    expect(report.message).toBe(`updated and verified: ${endpointOf(p)}/two/kms/xks/v1, access key id ${cred.accessKeyId}, CONNECTED`);
    expect((await operationsSince(kms, from)).filter((op) => MUTATING.has(op))).toEqual(["UpdateCustomKeyStore"]);
    expect(await describeStore(client, key.storeId)).toMatchObject({ ConnectionState: "CONNECTED", XksProxyConfiguration: { UriPath: "/two/kms/xks/v1" } });
    // The check's auth probe, then KMS proving the new path before it switched (both say UpdateCustomKeyStore).
    expect(proxyRecords(p).filter((r) => r.kmsOperation === "UpdateCustomKeyStore").map((r) => [r.keystore, r.status])).toEqual([
      ["ks-two", 200],
      ["ks-two", 200],
    ]);
    expect(await decrypt(before)).toBe("on path one");
    expect(proxyRecords(p).at(-1)).toMatchObject({ keystore: "ks-two", operation: "decrypt", status: 200 });
  });
});

describe("endpoint move to a second proxy (needs DISCONNECTED)", () => {
  let cred: XksCredential;
  let first: TestProxy, second: TestProxy;
  let key: Awaited<ReturnType<typeof connectedKey>>;
  let before: Uint8Array;

  beforeAll(async () => {
    cred = randomXksCredential();
    [first, second] = await Promise.all([proxy(["move"], [cred]), proxy(["move"], [cred])]);
    key = await connectedKey(client, kms, first);
    before = await encrypt(key.keyId, "before the move");
  });

  it("is refused without --allow-disconnect: nothing but DescribeCustomKeyStores is sent", async () => {
    const from = (await kmsRequests(kms)).length;
    const report = await update(key.storeId, { endpoint: endpointOf(second), secretAccessKey: cred.secretAccessKey });
    expectOutcome(report, "refused");
    expect(report.message).toMatch(/--allow-disconnect/);
    expect(report.message).toMatch(/the store is CONNECTED/);
    expect(await operationsSince(kms, from)).toEqual(["DescribeCustomKeyStores"]);
    expect((await describeStore(client, key.storeId)).XksProxyConfiguration?.UriEndpoint).toBe(endpointOf(first));
  });

  it("is done with it: Disconnect → Update → Connect, CONNECTED on the second proxy, keys work after", async () => {
    const from = (await kmsRequests(kms)).length;
    const report = await update(key.storeId, { endpoint: endpointOf(second), secretAccessKey: cred.secretAccessKey }, { allowDisconnect: true, currentSecret: cred.secretAccessKey });
    expectOutcome(report, "updated");
    expect(report.plan?.keysUnavailable).toBe(true);
    expect((await operationsSince(kms, from)).filter((op) => MUTATING.has(op))).toEqual(["DisconnectCustomKeyStore", "UpdateCustomKeyStore", "ConnectCustomKeyStore"]);
    expect(report.after).toMatchObject({ state: "CONNECTED", endpoint: endpointOf(second) });
    const calls = proxyRecords(second).length;
    expect(await decrypt(before)).toBe("before the move");
    expect(proxyRecords(second).length).toBe(calls + 1);
  });

  it("a proxy on different key material is refused by continuity: no Disconnect, no Update", async () => {
    const other = await proxy(["other"], [cred], OTHER_SEED);
    const from = (await kmsRequests(kms)).length;
    const report = await update(key.storeId, { endpoint: endpointOf(other), path: pathOf(other), secretAccessKey: cred.secretAccessKey }, { allowDisconnect: true, currentSecret: cred.secretAccessKey });
    expectOutcome(report, "refused");
    expect(report.check?.checks.find((c) => c.id === "continuity")).toMatchObject({ status: "fail" });
    expect(report.message).toMatch(/continuity/);
    expect(report.message).toMatch(/No UpdateCustomKeyStore was sent; the store is CONNECTED/);
    expect((await operationsSince(kms, from)).filter((op) => MUTATING.has(op))).toEqual([]);
    expect(await decrypt(before)).toBe("before the move");
  });
});

describe("a failure after the Disconnect: the report says the state and the whole way back", () => {
  it("an endpoint + path another store uses is refused before anything is disconnected", async () => {
    const cred = randomXksCredential();
    const [here, there] = await Promise.all([proxy(["here"], [cred]), proxy(["here"], [cred])]);
    const key = await connectedKey(client, kms, here);
    const other = await connectedKey(client, kms, there);
    const from = (await kmsRequests(kms)).length;
    const report = await update(key.storeId, { endpoint: endpointOf(there), secretAccessKey: cred.secretAccessKey }, { allowDisconnect: true });
    expectOutcome(report, "refused");
    expect(report.message).toMatch(new RegExp(`^refused: store ${other.storeId} \\(.+\\) already uses ${endpointOf(there).replace(/[.]/g, "\\.")}/here/kms/xks/v1: KMS would raise XksProxyUriInUseException\\. Nothing was changed; the store is CONNECTED$`));
    expect((await operationsSince(kms, from)).filter((op) => MUTATING.has(op))).toEqual([]);
  });

  it("UpdateCustomKeyStore refused by KMS after the Disconnect (a clash that appeared meanwhile) leaves the store DISCONNECTED; rollback then connect restores it", async () => {
    const cred = randomXksCredential();
    const [here, there] = await Promise.all([proxy(["here"], [cred]), proxy(["here"], [cred])]);
    const key = await connectedKey(client, kms, here);
    const before = await encrypt(key.keyId, "before the failed move");
    const from = (await kmsRequests(kms)).length;
    // Another store takes the same endpoint and path between the checks and the calls.
    const report = await update(key.storeId, { endpoint: endpointOf(there), secretAccessKey: cred.secretAccessKey }, { allowDisconnect: true, confirm: async () => (await connectedKey(client, kms, there), true) });
    expectOutcome(report, "failed");
    expect((await operationsSince(kms, from)).filter((op) => MUTATING.has(op))).toEqual(["ConnectCustomKeyStore", "DisconnectCustomKeyStore", "UpdateCustomKeyStore"]);
    expect(report.after).toMatchObject({ state: "DISCONNECTED", endpoint: endpointOf(here) });
    const cks = `--custom-key-store-id ${key.storeId} --region us-east-1 --endpoint-url ${kms.url}`;
    expect(report.message).toBe(
      `UpdateCustomKeyStore failed: XksProxyUriInUseException: The combination of XksProxyUriEndpoint and XksProxyUriPath is already associated with another external key store in this account and region. ` +
        `The store is now DISCONNECTED at ${endpointOf(here)}/here/kms/xks/v1 with access key id ${cred.accessKeyId}. To go back: ${report.rollback}, then aws kms connect-custom-key-store ${cks}`,
    );
    // Following it: the rollback (old values; nothing to probe while DISCONNECTED), then Connect.
    expectOutcome(await update(key.storeId, { endpoint: endpointOf(here), secretAccessKey: cred.secretAccessKey }, { allowDisconnect: true }), "updated");
    expect(await connectStore(client, kms, key.storeId)).toMatchObject({ ConnectionState: "CONNECTED" });
    expect(await decrypt(before)).toBe("before the failed move");
  });

  it("a Connect that ends FAILED (the new proxy broke after the check) names the ConnectionErrorCode and the way back", async () => {
    const cred = randomXksCredential();
    const [from_, to] = await Promise.all([proxy(["from"], [cred]), proxy(["to"], [cred])]);
    const key = await connectedKey(client, kms, from_);
    // Confirmation comes after the checks and before the first call: break the new proxy right there.
    const report = await update(
      key.storeId,
      { endpoint: endpointOf(to), path: pathOf(to), secretAccessKey: cred.secretAccessKey },
      {
        allowDisconnect: true,
        confirm: async () => {
          await addFaultTo(to, "ks-to", { type: "error", errorName: "InternalException", operation: "health" });
          return true;
        },
      },
    );
    expectOutcome(report, "failed");
    expect(report.after).toMatchObject({ state: "FAILED", connectionErrorCode: "XKS_PROXY_INVALID_RESPONSE", endpoint: endpointOf(to) });
    const cks = `--custom-key-store-id ${key.storeId} --region us-east-1 --endpoint-url ${kms.url}`;
    expect(report.message).toMatch(/^ConnectCustomKeyStore failed: FAILED: the store did not connect: ConnectionErrorCode XKS_PROXY_INVALID_RESPONSE\. The store is now FAILED/);
    expect(report.message).toContain(`To go back: aws kms disconnect-custom-key-store ${cks}, then ${report.rollback}, then aws kms connect-custom-key-store ${cks}`);
    // Following it brings the store back.
    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: key.storeId }));
    expectOutcome(await update(key.storeId, { endpoint: endpointOf(from_), path: pathOf(from_), secretAccessKey: cred.secretAccessKey }, { allowDisconnect: true }), "updated");
    expect(await connectStore(client, kms, key.storeId)).toMatchObject({ ConnectionState: "CONNECTED" });
    expect(await decrypt(await encrypt(key.keyId, "restored"))).toBe("restored");
  });
});

describe("a wrong new secret", () => {
  it("is refused by the check: XksProxyIncorrectAuthenticationCredentialException predicted, no UpdateCustomKeyStore sent", async () => {
    const cred = randomXksCredential();
    const p = await proxy(["wrong"], [cred]);
    const key = await connectedKey(client, kms, p);
    const wrong = randomXksCredential().secretAccessKey;
    const from = (await kmsRequests(kms)).length;
    const report = await update(key.storeId, { secretAccessKey: wrong });
    expectOutcome(report, "refused");
    expect(report.check?.predictedException).toBe("XksProxyIncorrectAuthenticationCredentialException");
    expect(report.check?.checks.find((c) => c.id === "auth")?.status).toBe("fail");
    expect(report.message).toMatch(/No UpdateCustomKeyStore was sent; the store is CONNECTED with its old values/);
    const ops = await operationsSince(kms, from);
    expect(ops.length).toBeGreaterThan(0);
    expect(ops.filter((op) => MUTATING.has(op))).toEqual([]);
    expectNoSecret(JSON.stringify(report), [wrong, cred.secretAccessKey]);
    expect(await decrypt(await encrypt(key.keyId, "still fine"))).toBe("still fine");
  });

  it("invalid input (a bad path) is refused before any network check, and nothing is sent", async () => {
    const cred = randomXksCredential();
    const p = await proxy(["badpath"], [cred]);
    const key = await connectedKey(client, kms, p);
    const from = (await kmsRequests(kms)).length;
    const proxyCalls = proxyRecords(p).length;
    const report = await update(key.storeId, { path: "/bad", secretAccessKey: cred.secretAccessKey });
    expectOutcome(report, "refused");
    expect(report.check?.checks[0]).toMatchObject({ id: "input", status: "fail" });
    expect(report.check?.predictedException).toBe("ValidationException");
    expect(await operationsSince(kms, from)).toEqual(["DescribeCustomKeyStores"]);
    expect(proxyRecords(p).length).toBe(proxyCalls);
  });
});

describe("a proxy that goes down after Connect", () => {
  it("reconnecting ends FAILED with XKS_PROXY_NOT_REACHABLE; update refuses the FAILED store, then predicts the code for the dead endpoint", async () => {
    const cred = randomXksCredential();
    const down = await startTestProxy(proxyConfig(["down"], [cred]));
    let key: Awaited<ReturnType<typeof connectedKey>>;
    try {
      key = await connectedKey(client, kms, down);
    } finally {
      await down.stop();
    }
    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: key.storeId }));
    await client.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: key.storeId }));
    await kms.idle();
    expect(await describeStore(client, key.storeId)).toMatchObject({ ConnectionState: "FAILED", ConnectionErrorCode: "XKS_PROXY_NOT_REACHABLE" });

    let from = (await kmsRequests(kms)).length;
    const failed = await update(key.storeId, { secretAccessKey: cred.secretAccessKey });
    expectOutcome(failed, "refused");
    expect(failed.before).toMatchObject({ state: "FAILED", connectionErrorCode: "XKS_PROXY_NOT_REACHABLE" });
    expect(failed.message).toMatch(/the store is FAILED.*disconnect-custom-key-store/);
    expect(await operationsSince(kms, from)).toEqual(["DescribeCustomKeyStores"]);

    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: key.storeId }));
    from = (await kmsRequests(kms)).length;
    const dead = await update(key.storeId, { secretAccessKey: cred.secretAccessKey });
    expectOutcome(dead, "refused");
    expect(dead.check).toMatchObject({ predictedException: "XksProxyUriUnreachableException", predictedConnectionErrorCode: "XKS_PROXY_NOT_REACHABLE" });
    expect((await operationsSince(kms, from)).filter((op) => MUTATING.has(op))).toEqual([]);

    // Getting back: point the DISCONNECTED store at a live proxy on the same key material, then connect.
    const alive = await proxy(["alive"], [cred]);
    const moved = await update(key.storeId, { endpoint: endpointOf(alive), path: pathOf(alive), secretAccessKey: cred.secretAccessKey });
    expectOutcome(moved, "updated");
    expect(moved.after?.state).toBe("DISCONNECTED");
    expect(await connectStore(client, kms, key.storeId)).toMatchObject({ ConnectionState: "CONNECTED" });
    expect(await decrypt(await encrypt(key.keyId, "back"))).toBe("back");
  });
});

describe("a store with VPC_ENDPOINT_SERVICE connectivity", () => {
  it("moving it to PUBLIC_ENDPOINT is checked as a public endpoint (the old service name is not carried over)", async () => {
    const cred = randomXksCredential();
    const p = await proxy(["vpc"], [cred]);
    const { CustomKeyStoreId } = await client.send(
      new CreateCustomKeyStoreCommand({
        CustomKeyStoreName: "vpc-store",
        CustomKeyStoreType: "EXTERNAL_KEY_STORE",
        XksProxyUriEndpoint: endpointOf(p),
        XksProxyUriPath: pathOf(p),
        XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
        XksProxyVpcEndpointServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
        XksProxyAuthenticationCredential: { AccessKeyId: cred.accessKeyId, RawSecretAccessKey: cred.secretAccessKey },
      }),
    );
    const report = await update(CustomKeyStoreId!, { connectivity: "PUBLIC_ENDPOINT", secretAccessKey: cred.secretAccessKey });
    expectOutcome(report, "updated");
    expect(await describeStore(client, CustomKeyStoreId!)).toMatchObject({ XksProxyConfiguration: { Connectivity: "PUBLIC_ENDPOINT" } });
    expect((await describeStore(client, CustomKeyStoreId!)).XksProxyConfiguration).not.toHaveProperty("VpcEndpointServiceName");
  });
});

describe("the CLI: node dist/harness/cli.js update --kms-endpoint …", () => {
  const CLI = join(packageRoot(), "dist", "harness", "cli.js");
  let cred: XksCredential;
  let next: XksCredential;
  let p: TestProxy;
  let key: Awaited<ReturnType<typeof connectedKey>>;

  const cli = (args: string[], env: Record<string, string>) => runCli(CLI, ["update", ...args], env);
  const common = () => ["--custom-key-store-id", key.storeId, "--kms-endpoint", kms.url, "--dev", "--ca", pkiPath("caCert"), "--key-id", "foo", "--no-color"];

  beforeAll(async () => {
    cred = randomXksCredential();
    next = randomXksCredential();
    p = await proxy(["cli"], [cred, next]);
    key = await connectedKey(client, kms, p);
  });

  it("--dry-run exits 0 and sends nothing; without --yes on a non-TTY exits 2; a bad path is refused; no secret printed", async () => {
    const from = (await kmsRequests(kms)).length;
    const env = { XKS_SECRET_ACCESS_KEY: next.secretAccessKey, XKS_CURRENT_SECRET_ACCESS_KEY: cred.secretAccessKey };
    const [dry, noTty, badPath] = await Promise.all([
      cli([...common(), "--access-key-id", next.accessKeyId, "--dry-run", "--json"], env),
      cli([...common(), "--access-key-id", next.accessKeyId], env),
      cli([...common(), "--path", "/bad", "--yes", "--json"], env),
    ]);

    expect(dry.code, dry.stderr).toBe(0);
    const json = JSON.parse(dry.stdout) as { outcome: string; plan: { calls: { operation: string; display: unknown }[] }; check: { verdict: string }; rollback: string };
    expect(json).toMatchObject({ outcome: "dry-run", check: { verdict: "pass" } });
    expect(json.plan.calls).toEqual([
      {
        operation: "UpdateCustomKeyStore",
        display: { CustomKeyStoreId: key.storeId, XksProxyAuthenticationCredential: { AccessKeyId: next.accessKeyId, RawSecretAccessKey: "<redacted>" } },
        command: `aws kms update-custom-key-store --custom-key-store-id ${key.storeId} --xks-proxy-authentication-credential 'AccessKeyId=${next.accessKeyId},RawSecretAccessKey=<new secret>' --region us-east-1 --endpoint-url ${kms.url}`,
      },
    ]);
    expect(json.rollback).toBe(
      `aws kms update-custom-key-store --custom-key-store-id ${key.storeId} --xks-proxy-authentication-credential 'AccessKeyId=${cred.accessKeyId},RawSecretAccessKey=<previous secret>' --region us-east-1 --endpoint-url ${kms.url}`,
    );

    // XKS_CURRENT_SECRET_ACCESS_KEY alone switches nothing on: continuity is skipped and a note says why.
    const checks = (json.check as unknown as { checks: { id: string; status: string }[] }).checks;
    expect(checks.find((c) => c.id === "continuity")?.status).toBe("skip");
    expect(dry.stderr).toContain("xks-harness update: note: XKS_CURRENT_SECRET_ACCESS_KEY is set but not used: give --continuity");

    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toMatch(/not a terminal.*--dry-run.*--yes/);

    expect(badPath.code, badPath.stderr).toBe(2);
    const bad = JSON.parse(badPath.stdout) as { outcome: string; check: { predictedException: string; checks: { id: string; status: string; detail: string }[] } };
    expect(bad.outcome).toBe("refused");
    expect(bad.check.predictedException).toBe("ValidationException");
    expect(bad.check.checks[0]).toMatchObject({ id: "input", status: "fail", detail: expect.stringMatching(/XksProxyUriPath/) });

    expect((await operationsSince(kms, from)).filter((op) => op !== "DescribeCustomKeyStores")).toEqual([]);
    for (const run of [dry, noTty, badPath]) expectNoSecret(run.stdout + run.stderr, [next.secretAccessKey, cred.secretAccessKey]);
    expect((await describeStore(client, key.storeId)).XksProxyConfiguration?.AccessKeyId).toBe(cred.accessKeyId);
  });

  it("--proxy-config: a file that is not JSON is bad usage (2); a valid one is the target the human report shows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xks-update-proxy-config-"));
    const notJson = join(dir, "not.json");
    writeFileSync(notJson, "XksProxyUriPath=/x");
    const bad = await cli([...common(), "--proxy-config", notJson, "--dry-run"], {});
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/--proxy-config .*not JSON/);

    const file = join(dir, "proxy.json");
    const path = (await describeStore(client, key.storeId)).XksProxyConfiguration!.UriPath!;
    writeFileSync(file, JSON.stringify({ XksProxyUriPath: path, XksProxyAuthenticationCredential: { AccessKeyId: next.accessKeyId, RawSecretAccessKey: next.secretAccessKey } }));
    const dry = await cli([...common(), "--proxy-config", file, "--dry-run"], { XKS_CURRENT_SECRET_ACCESS_KEY: cred.secretAccessKey });
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`access key id ${next.accessKeyId}`));
    expectNoSecret(dry.stdout + dry.stderr, [next.secretAccessKey, cred.secretAccessKey]);
  });

  it("--continuity without the current secret is bad usage (2) naming both ways to give it; --current-secret-file turns continuity on", async () => {
    const from = (await kmsRequests(kms)).length;
    const noSecret = await cli([...common(), "--continuity", "--dry-run"], { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey });
    expect(noSecret.code, noSecret.stderr).toBe(2);
    expect(noSecret.stderr).toBe("xks-harness: --continuity needs the store's current secret: set XKS_CURRENT_SECRET_ACCESS_KEY or give --current-secret-file\n");
    expect(await operationsSince(kms, from)).toEqual([]);

    const file = join(mkdtempSync(join(tmpdir(), "xks-update-current-")), "current");
    writeFileSync(file, `${cred.secretAccessKey}\n`);
    const dry = await cli([...common(), "--current-secret-file", file, "--dry-run", "--json"], { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey });
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    const checks = (JSON.parse(dry.stdout) as { check: { checks: { id: string; status: string }[] } }).check.checks;
    expect(checks.find((c) => c.id === "continuity")?.status).toBe("pass");
    expectNoSecret(dry.stdout + dry.stderr, [cred.secretAccessKey]);
  });

  it("--profile that no config or credentials file defines is bad usage (2) naming it, before any KMS call; a defined one works", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xks-update-profile-"));
    const files = { AWS_CONFIG_FILE: join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials") };
    writeFileSync(files.AWS_CONFIG_FILE, "[profile ops]\nregion = us-east-1\n");
    writeFileSync(files.AWS_SHARED_CREDENTIALS_FILE, "[ops]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = local\n");
    const env = { ...files, XKS_SECRET_ACCESS_KEY: cred.secretAccessKey };
    const from = (await kmsRequests(kms)).length;
    const nope = await cli([...common(), "--profile", "nope", "--dry-run"], env);
    expect(nope.code, nope.stdout + nope.stderr).toBe(2);
    expect(nope.stderr).toMatch(/^xks-harness: --profile nope: no such profile in .*config or .*credentials/);
    expect(await operationsSince(kms, from)).toEqual([]);
    const ops = await cli([...common(), "--profile", "ops", "--dry-run"], env);
    expect(ops.code, ops.stdout + ops.stderr).toBe(0);
    expect(ops.stdout).toContain(`--region us-east-1 --endpoint-url ${kms.url} --profile ops`);
  });

  it("on a terminal the checks, the verdict and the plan come before the question; no is no", async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stdout = new PassThrough();
    let printed = "";
    stdout.on("data", (c: Buffer) => {
      printed += c.toString("utf8");
      // Answer when, and only when, the question is on the screen.
      if (!stdin.writableEnded && printed.includes("type yes to go ahead: ")) stdin.end("no\n");
    });
    const flags: UpdateFlags = {
      customKeyStoreId: key.storeId, kmsEndpoint: kms.url, region: "us-east-1", keyId: ["foo"], ca: [pkiPath("caCert")], dev: true, timeoutMs: 3000,
      dryRun: false, yes: false, allowDisconnect: false, connectTimeout: 10, json: false, color: false, accessKeyId: next.accessKeyId,
    };
    const from = (await kmsRequests(kms)).length;
    const code = await updateCommand(flags, { XKS_SECRET_ACCESS_KEY: next.secretAccessKey }, { stdin, stdout });
    expect(code, printed).toBe(1);
    const question = printed.indexOf("apply this change?");
    const order = ["PASS  auth", "verdict: PASS", "key continuity NOT proven", `plan for ${key.storeId}`, "aws kms update-custom-key-store", "rollback", "RawSecretAccessKey=<previous secret>"].map((s) => printed.indexOf(s));
    expect(order.every((at) => at >= 0), printed).toBe(true);
    expect([...order].sort((a, b) => a - b), printed).toEqual(order);
    expect(order.at(-1)!).toBeLessThan(question);
    expect(printed.slice(question)).toMatch(/update: REFUSED — not confirmed: nothing was changed/);
    expect((await operationsSince(kms, from)).filter((op) => MUTATING.has(op))).toEqual([]);
    expectNoSecret(printed, [next.secretAccessKey, cred.secretAccessKey]);
  });

  it("--yes rotates the credential (exit 0, human report); a wrong secret with --json exits 1; neither prints a secret", async () => {
    const env = { XKS_SECRET_ACCESS_KEY: next.secretAccessKey, XKS_CURRENT_SECRET_ACCESS_KEY: cred.secretAccessKey };
    const from = (await kmsRequests(kms)).length;
    const done = await cli([...common(), "--access-key-id", next.accessKeyId, "--continuity", "--yes"], env);
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(done.stdout).toMatch(/update: UPDATED — updated and verified/);
    // The evidence, then the plan as aws CLI lines, then the call: nothing is sent before it is shown.
    const order = ["PASS  continuity", "verdict: PASS", `plan for ${key.storeId}`, `aws kms update-custom-key-store --custom-key-store-id ${key.storeId} --xks-proxy-authentication-credential 'AccessKeyId=${next.accessKeyId},RawSecretAccessKey=<new secret>'`, "rollback", "calling UpdateCustomKeyStore", "update: UPDATED"].map((s) => done.stdout.indexOf(s));
    expect(order.every((at) => at >= 0), done.stdout).toBe(true);
    expect([...order].sort((a, b) => a - b), done.stdout).toEqual(order);
    expect(done.stdout).not.toContain("key continuity NOT proven");
    // Then: how long the old credential must stay on the proxy (UTC and local time), and how to see KMS switched.
    expect(done.stdout).toMatch(new RegExp(`KMS may go on signing with the old credential \\(access key id ${cred.accessKeyId}\\) for up to five minutes: keep it on the proxy until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [+-]\\d\\d:\\d\\d here\\), then remove it`));
    expect(done.stdout).toContain("/keystores shows per credential lastAuthenticatedAt");
    expect((await operationsSince(kms, from)).filter((op) => MUTATING.has(op))).toEqual(["UpdateCustomKeyStore"]);
    expect((await describeStore(client, key.storeId)).XksProxyConfiguration?.AccessKeyId).toBe(next.accessKeyId);

    const wrong = randomXksCredential().secretAccessKey;
    const mid = (await kmsRequests(kms)).length;
    const refused = await cli([...common(), "--yes", "--json"], { XKS_SECRET_ACCESS_KEY: wrong });
    expect(refused.code, refused.stderr).toBe(1);
    const json = JSON.parse(refused.stdout) as { outcome: string; message: string; check: { predictedException: string }; rollback: string };
    expect(json).toMatchObject({ outcome: "refused", check: { predictedException: "XksProxyIncorrectAuthenticationCredentialException" } });
    expect(json.message).toMatch(/No UpdateCustomKeyStore was sent/);
    expect((await operationsSince(kms, mid)).filter((op) => MUTATING.has(op))).toEqual([]);

    for (const run of [done, refused]) expectNoSecret(run.stdout + run.stderr, [next.secretAccessKey, cred.secretAccessKey, wrong]);
    expect(await decrypt(await encrypt(key.keyId, "after the CLI"))).toBe("after the CLI");

    // And back, with --json: the same as fields.
    const before = Date.now();
    const back = await cli([...common(), "--access-key-id", cred.accessKeyId, "--yes", "--json"], { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey });
    expect(back.code, back.stdout + back.stderr).toBe(0);
    const backJson = JSON.parse(back.stdout) as { outcome: string; oldCredentialKeepUntil: string; settling: { updatedAt: string; oldAccessKeyId: string; lines: string[] } };
    expect(backJson).toMatchObject({ outcome: "updated", settling: { oldAccessKeyId: next.accessKeyId } });
    expect(Date.parse(backJson.oldCredentialKeepUntil) - Date.parse(backJson.settling.updatedAt)).toBe(5 * 60_000);
    expect(Date.parse(backJson.settling.updatedAt)).toBeGreaterThanOrEqual(before);
    expect(backJson.settling.lines[0]).toContain(`keep it on the proxy until ${backJson.oldCredentialKeepUntil.replace(/\.\d{3}Z$/, "Z")}`);
    expectNoSecret(back.stdout + back.stderr, [next.secretAccessKey, cred.secretAccessKey]);
    // Three CLI runs, each loading the SDK: more than the default timeout on a busy machine.
  }, 60_000);
});
