/**
 * The local KMS's GET /metrics: the CloudWatch metrics KMS keeps for external key stores (AWS KMS Developer Guide,
 * "Monitor external key stores"), with the names `xks-harness watch` serves, for the calls the local KMS makes to
 * real mock proxies when driven by the real AWS SDK. Scraped over HTTP and parsed line by line (helpers/prom-text).
 */
import { spawn, spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateCustomKeyStoreCommand,
  DecryptCommand,
  DeleteCustomKeyStoreCommand,
  DisconnectCustomKeyStoreCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSInvalidStateException,
  ListKeysCommand,
  UpdateCustomKeyStoreCommand,
  XksProxyIncorrectAuthenticationCredentialException,
  type KMSClient,
} from "@aws-sdk/client-kms";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { randomXksCredential } from "../src/client/random-credential.js";
import type { StartedLocalKms } from "../src/kms/index.js";
import { LocalKmsMetrics } from "../src/kms/proxy-metrics.js";
import { StateStore } from "../src/kms/state-store.js";
import type { GatewayCall } from "../src/kms/xks-gateway.js";
import { saveState } from "../src/kms/state-file.js";
import { emptyState } from "../src/kms/state.js";
import { XKS_METRIC_NAMES as M } from "../src/metrics/xks-metrics.js";
import { packageRoot } from "../src/package-root.js";
import { DAY_MS } from "../src/pki/certificate-expiry.js";
import { defaultKeys } from "../src/proxy/config-schema.js";
import { scrubbedEnv } from "./helpers/cli-process.js";
import { addFault, clearFaults } from "./helpers/admin-faults.js";
import { connectStore, connectedKey, createStore, expectKmsError, sdkClient, startTestKms, storeInput } from "./helpers/kms-fixture.js";
import { prometheusMissing } from "./helpers/prometheus.js";
import { parseExposition, select, valueOf, type Exposition } from "./helpers/prom-text.js";
import { pem, startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";

const cred = randomXksCredential();
/** Short, so a test sees a poll within its deadline; KMS's is minutes. */
const POLL_MS = 100;
/** Without promtool the lint test skips, saying why; on CI (CI=true) the missing tool fails the file instead. */
const promtoolMissing = prometheusMissing();

let proxy: TestProxy;
let kms: StartedLocalKms;
let client: KMSClient;
let storeId: string;
let keyId: string;
let dir: string;

async function scrape(k: StartedLocalKms = kms): Promise<Exposition> {
  const res = await fetch(`${k.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe(new Registry().contentType);
  return parseExposition(await res.text());
}

/** The store ids any series is labelled with. */
function storeIds(e: Exposition): Set<string> {
  return new Set(e.samples.flatMap((s) => (s.labels.custom_key_store_id ? [s.labels.custom_key_store_id] : [])));
}

const latencyCount = (e: Exposition, kmsOperation: string, xksOperation: string, id = storeId) =>
  valueOf(e, `${M.XksProxyLatency}_count`, { custom_key_store_id: id, kms_operation: kmsOperation, xks_operation: xksOperation }) ?? 0;

const states = (e: Exposition, id = storeId) => Object.fromEntries(select(e, M.XksExternalKeyManagerStates, { custom_key_store_id: id }).map((s) => [s.labels.state, s.value]));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "xks-kms-metrics-"));
  [proxy, kms] = await Promise.all([
    startTestProxy(
      testConfig({
        keystores: [
          { name: "ks", pathPrefix: "/metrics-ks", credentials: [cred], keys: defaultKeys() },
          { name: "spare", pathPrefix: "/spare", credentials: [cred], keys: defaultKeys() },
        ],
      }),
    ),
    startTestKms({ healthCheckIntervalMs: POLL_MS }),
  ]);
  client = sdkClient(kms);
  ({ storeId, keyId } = await connectedKey(client, kms, proxy, { keystore: "ks", xksKeyId: "foo" }));
});
afterAll(async () => {
  client?.destroy();
  await kms?.stop();
  await proxy?.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => clearFaults(proxy));

describe("GET /metrics of the local KMS", () => {
  it("counts each proxy call by KMS and XKS operation, labelled by store; up = 1; the key managers ACTIVE", async () => {
    const before = await scrape();
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("metrics") }));
    await client.send(new DecryptCommand({ CiphertextBlob }));
    await client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256" }));
    const after = await scrape();

    expect(after.types.get(M.XksProxyLatency)).toBe("histogram");
    expect(after.types.get(M.XksProxyErrors)).toBe("counter");
    // One call each: KmsOperation is what the local KMS sent as requestMetadata.kmsOperation.
    expect(latencyCount(after, "Encrypt", "Encrypt") - latencyCount(before, "Encrypt", "Encrypt")).toBe(1);
    expect(latencyCount(after, "Decrypt", "Decrypt") - latencyCount(before, "Decrypt", "Decrypt")).toBe(1);
    expect(latencyCount(after, "GenerateDataKey", "Encrypt") - latencyCount(before, "GenerateDataKey", "Encrypt")).toBe(1);
    // The calls that made the store and its key: the create probe (under the id it was given), connect, CreateKey.
    expect(latencyCount(after, "CreateCustomKeyStore", "GetHealthStatus")).toBe(1);
    expect(latencyCount(after, "ConnectCustomKeyStore", "GetHealthStatus")).toBe(1);
    expect(latencyCount(after, "CreateKey", "GetKeyMetadata")).toBe(1);
    // A latency is a duration the proxy took: positive, and below the budget here.
    const sum = valueOf(after, `${M.XksProxyLatency}_sum`, { custom_key_store_id: storeId, kms_operation: "Encrypt", xks_operation: "Encrypt" })!;
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(1);

    expect(valueOf(after, M.up, { custom_key_store_id: storeId })).toBe(1);
    expect(states(after)).toEqual({ ACTIVE: 1, DEGRADED: 0, UNAVAILABLE: 0 });
    expect(select(after, M.XksProxyErrors, { custom_key_store_id: storeId })).toEqual([]);
    // Credential set just now; the last success is this minute.
    expect(valueOf(after, M.XksProxyCredentialAge, { custom_key_store_id: storeId })).toBe(0);
    expect(Math.abs(valueOf(after, M.lastSuccess, { custom_key_store_id: storeId })! - Date.now() / 1000)).toBeLessThan(60);
  });

  it.skipIf(promtoolMissing)(`passes \`promtool check metrics\`: Prometheus's own parser and naming lint${promtoolMissing ? ` (skipped: ${promtoolMissing})` : ""}`, async () => {
    const body = await (await fetch(`${kms.url}/metrics`)).text();
    expect(parseExposition(body).samples.length).toBeGreaterThan(10);
    const r = spawnSync("promtool", ["check", "metrics"], { input: body, encoding: "utf8", timeout: 10_000 });
    // A parse error exits 1, lint findings 3. The day counts keep CloudWatch's unit (days), which the lint flags.
    const allowed = [M.XksProxyCertificateDaysToExpire, M.XksProxyCredentialAge].map((n) => `${n} use base unit "seconds" instead of "days"`);
    expect([0, 3]).toContain(r.status);
    expect(`${r.stdout}${r.stderr}`.split("\n").filter((l) => l && !allowed.includes(l))).toEqual([]);
  });

  it("reports the certificate the proxy presented on the local KMS's own connection: its CN and days to expire", async () => {
    const cert = new X509Certificate(pem("serverCert"));
    const cn = /CN=([^\n,]+)/.exec(cert.subject)![1]!;
    const e = await scrape();
    const days = select(e, M.XksProxyCertificateDaysToExpire, { custom_key_store_id: storeId });
    expect(days.map((s) => s.labels.certificate_name)).toEqual([cn]);
    // Whole days left, rounded down: the day count at most the exact span, and within a day of it.
    const exact = (new Date(cert.validTo).getTime() - Date.now()) / DAY_MS;
    expect(Number.isInteger(days[0]!.value)).toBe(true);
    expect(days[0]!.value).toBeLessThanOrEqual(exact);
    expect(days[0]!.value).toBeGreaterThan(exact - 1);
  });

  it("polls connected stores with kmsOperation KmsHealthCheck, never overlapping, and keeps polling", async () => {
    const first = latencyCount(await scrape(), "KmsHealthCheck", "GetHealthStatus");
    await vi.waitFor(async () => expect(latencyCount(await scrape(), "KmsHealthCheck", "GetHealthStatus")).toBeGreaterThanOrEqual(first + 2), { timeout: 5000, interval: 50 });
    // What the proxy received: the poll's requestMetadata names KmsHealthCheck.
    const polls = proxy.logs.records().filter((r) => r.msg === "request" && r.operation === "health" && r.kmsOperation === "KmsHealthCheck");
    expect(polls.length).toBeGreaterThanOrEqual(2);
  });

  it("a 500 InternalException counts as Retryable, a 401 as Non-retryable, by exception name; the proxy still answered", async () => {
    await addFault(proxy, "ks", { type: "error", errorName: "InternalException", operation: "encrypt", times: 1 });
    await expectKmsError(client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("x") })), "KMSInvalidStateException", KMSInvalidStateException);
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("y") }));
    await addFault(proxy, "ks", { type: "reject-signatures", operation: "decrypt", times: 1 });
    await expectKmsError(client.send(new DecryptCommand({ CiphertextBlob })), "KMSInvalidStateException", KMSInvalidStateException);

    const e = await scrape();
    const errors = select(e, M.XksProxyErrors, { custom_key_store_id: storeId }).map((s) => ({ ...s.labels, value: s.value }));
    expect(errors).toEqual([
      { custom_key_store_id: storeId, kms_operation: "Encrypt", xks_operation: "Encrypt", error_type: "Retryable", exception_name: "InternalException", value: 1 },
      { custom_key_store_id: storeId, kms_operation: "Decrypt", xks_operation: "Decrypt", error_type: "Non-retryable", exception_name: "AuthenticationFailedException", value: 1 },
    ]);
    expect(valueOf(e, M.up, { custom_key_store_id: storeId })).toBe(1);
  });

  it("a timed-out Encrypt counts as a Retryable Timeout at the gateway's deadline, and leaves up at 1", async () => {
    const before = await scrape();
    const encLabels = { custom_key_store_id: storeId, kms_operation: "Encrypt", xks_operation: "Encrypt" };
    // startTestKms gives the gateway 1000 ms (KMS's is 250): the deadline this call hits.
    await addFault(proxy, "ks", { type: "latency", ms: 1300, operation: "encrypt" });
    await expectKmsError(client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("slow") })), "KMSInvalidStateException", KMSInvalidStateException);
    await clearFaults(proxy);
    const after = await scrape();
    const errorLabels = { ...encLabels, error_type: "Retryable", exception_name: "Timeout" };
    const timeouts = (valueOf(after, M.XksProxyErrors, errorLabels) ?? 0) - (valueOf(before, M.XksProxyErrors, errorLabels) ?? 0);
    expect(timeouts).toBeGreaterThanOrEqual(1);
    // Each timed-out call counts at the deadline it hit, not at when (or whether) the answer came.
    const sum = (e: Exposition) => valueOf(e, `${M.XksProxyLatency}_sum`, encLabels) ?? 0;
    expect(sum(after) - sum(before)).toBeCloseTo(1 * timeouts, 6);
    expect(valueOf(after, M.up, { custom_key_store_id: storeId })).toBe(1);
  });

  it("an UNAVAILABLE key manager shows in the key-manager states after a poll, and ACTIVE again once it recovers", async () => {
    await addFault(proxy, "ks", { type: "health-status", status: "UNAVAILABLE", operation: "health" });
    await vi.waitFor(async () => expect(states(await scrape())).toEqual({ ACTIVE: 0, DEGRADED: 0, UNAVAILABLE: 1 }), { timeout: 5000, interval: 50 });
    // An answer, not an error: every key manager UNAVAILABLE is a state, as `watch` reports it.
    expect(select(await scrape(), M.XksProxyErrors, { custom_key_store_id: storeId, kms_operation: "KmsHealthCheck" })).toEqual([]);
    await clearFaults(proxy);
    await vi.waitFor(async () => expect(states(await scrape())).toEqual({ ACTIVE: 1, DEGRADED: 0, UNAVAILABLE: 0 }), { timeout: 5000, interval: 50 });
  });

  it("a proxy that stops answering: up = 0 and Retryable TcpFailure from the poll; deleting the store drops all its series", async () => {
    const other = await startTestProxy(testConfig({ keystores: [{ name: "gone", pathPrefix: "/gone", credentials: [cred], keys: defaultKeys() }] }));
    let goneId: string;
    try {
      goneId = await createStore(client, other, { keystore: "gone" });
      expect((await connectStore(client, kms, goneId)).ConnectionState).toBe("CONNECTED");
      await vi.waitFor(async () => expect(latencyCount(await scrape(), "KmsHealthCheck", "GetHealthStatus", goneId)).toBeGreaterThan(0), { timeout: 5000, interval: 50 });
    } finally {
      await other.stop();
    }
    await vi.waitFor(
      async () => {
        const e = await scrape();
        expect(valueOf(e, M.up, { custom_key_store_id: goneId })).toBe(0);
        const err = select(e, M.XksProxyErrors, { custom_key_store_id: goneId, kms_operation: "KmsHealthCheck", xks_operation: "GetHealthStatus", exception_name: "TcpFailure" });
        expect(err.map((s) => s.labels.error_type)).toEqual(["Retryable"]);
      },
      { timeout: 5000, interval: 50 },
    );

    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: goneId }));
    await client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: goneId }));
    const e = await scrape();
    expect(storeIds(e).has(goneId)).toBe(false);
    // The other store keeps its series.
    expect(valueOf(e, M.up, { custom_key_store_id: storeId })).toBe(1);
    // No poll brings it back.
    const polled = latencyCount(e, "KmsHealthCheck", "GetHealthStatus");
    await vi.waitFor(async () => expect(latencyCount(await scrape(), "KmsHealthCheck", "GetHealthStatus")).toBeGreaterThan(polled), { timeout: 5000, interval: 50 });
    expect(storeIds(await scrape()).has(goneId)).toBe(false);
  });

  it("a CreateCustomKeyStore whose probe fails leaves no series behind", async () => {
    const ids = storeIds(await scrape());
    const logged = proxy.logs.lines.length;
    const input = storeInput(proxy, { keystore: "spare", credential: randomXksCredential() });
    await expectKmsError(client.send(new CreateCustomKeyStoreCommand(input)), "XksProxyIncorrectAuthenticationCredentialException", XksProxyIncorrectAuthenticationCredentialException);
    // The probe was made (and refused): there was a call whose series had to go.
    const probes = proxy.logs.records().slice(logged).filter((r) => r.msg === "request" && r.keystore === "spare" && r.operation === "health");
    expect(probes.map((r) => r.status)).toEqual([401]);
    expect(storeIds(await scrape())).toEqual(ids);
  });

  it("answers GET and HEAD only, without a token; the KMS and EC2 APIs on the same port are unaffected", async () => {
    const head = await fetch(`${kms.url}/metrics`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    for (const method of ["POST", "PUT", "DELETE"]) {
      const res = await fetch(`${kms.url}/metrics`, { method, headers: { "content-type": "application/json" }, body: "{}" });
      expect({ method, status: res.status, allow: res.headers.get("allow") }).toEqual({ method, status: 405, allow: "GET, HEAD" });
    }
    expect((await client.send(new ListKeysCommand({}))).Keys?.some((k) => k.KeyId === keyId)).toBe(true);
    const ec2 = await fetch(kms.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "Action=DescribeVpcEndpointServices&Version=2016-11-15" });
    expect(ec2.status).toBe(200);
    expect(await ec2.text()).toContain("<DescribeVpcEndpointServicesResponse");
  });
});

describe("xks_proxy_up of the local KMS", () => {
  // Driven directly: with the poll of a running local KMS, a poll could set `up` between a slow call and a scrape.
  it("comes from GetHealthStatus only: a timed-out Encrypt leaves it at 1, a failed poll sets 0, an answered one 1", async () => {
    const store = StateStore.open(undefined);
    const id = "cks-00000000000000001";
    const xks = { uriEndpoint: "https://xks.example.com", uriPath: "/kms/xks/v1", accessKeyId: cred.accessKeyId, secretAccessKey: cred.secretAccessKey, connectivity: "PUBLIC_ENDPOINT" as const };
    await store.update((s) => void s.customKeyStores.push({ id, name: "up", region: "us-east-1", connectionState: "CONNECTED", creationDate: 0, xks }));
    const m = new LocalKmsMetrics(store, { certificateOf: () => undefined, keepCertificatesOf: () => undefined });
    const rec = store.state.customKeyStores[0]!;
    const call = (over: Partial<GatewayCall>): GatewayCall => ({ store: rec, xksOperation: "health", kmsOperation: "KmsHealthCheck", timeoutMs: 250, ms: 5, ...over });
    const up = async () => valueOf(parseExposition((await m.exposition()).body), M.up, { custom_key_store_id: id });
    try {
      m.observe(call({}));
      expect(await up()).toBe(1);
      m.observe(call({ xksOperation: "encrypt", kmsOperation: "Encrypt", ms: undefined, failed: { ok: false, failure: "Timeout", detail: "no answer within 250 ms" } }));
      m.observe(call({ xksOperation: "decrypt", kmsOperation: "Decrypt", ms: undefined, failed: { ok: false, failure: "TcpFailure", detail: "ECONNRESET" } }));
      expect(await up()).toBe(1);
      m.observe(call({ ms: undefined, failed: { ok: false, failure: "Timeout", detail: "no answer within 250 ms" } }));
      expect(await up()).toBe(0);
      // Answered with an error is answered: the proxy is reachable.
      m.observe(call({ kmsOperation: "ConnectCustomKeyStore", failed: { ok: false, failure: "InternalException", detail: "HTTP 500" } }));
      expect(await up()).toBe(1);
    } finally {
      await store.close();
    }
  });
});

describe("XksProxyCredentialAge", () => {
  it("counts from credentialSetDate, from creationDate in a state file written before it was kept, and restarts when the credential changes", async () => {
    const file = join(dir, "state.json");
    const now = Date.now() / 1000;
    const xks = { uriEndpoint: "https://localhost:1", uriPath: "/p/kms/xks/v1", accessKeyId: cred.accessKeyId, secretAccessKey: cred.secretAccessKey, connectivity: "PUBLIC_ENDPOINT" as const };
    const state = emptyState();
    // The old shape: no credentialSetDate.
    state.customKeyStores.push({ id: "cks-0000000000000000a", name: "old", region: "us-east-1", connectionState: "DISCONNECTED", creationDate: now - 10.5 * 86_400, xks });
    state.customKeyStores.push({ id: "cks-0000000000000000b", name: "rotated", region: "us-east-1", connectionState: "DISCONNECTED", creationDate: now - 40 * 86_400, credentialSetDate: now - 3.2 * 86_400, xks: { ...xks, uriPath: "/q/kms/xks/v1" } });
    saveState(file, state);

    const k = await startTestKms({ stateFile: file, healthCheckIntervalMs: POLL_MS });
    const c = sdkClient(k);
    try {
      const e = await scrape(k);
      expect(valueOf(e, M.XksProxyCredentialAge, { custom_key_store_id: "cks-0000000000000000a" })).toBe(10);
      expect(valueOf(e, M.XksProxyCredentialAge, { custom_key_store_id: "cks-0000000000000000b" })).toBe(3);
      // Disconnected stores are not polled: no up, no key-manager states.
      expect(select(e, M.up)).toEqual([]);

      const fresh = randomXksCredential();
      await c.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: "cks-0000000000000000a", XksProxyAuthenticationCredential: { AccessKeyId: fresh.accessKeyId, RawSecretAccessKey: fresh.secretAccessKey } }));
      // A name change is not a credential change.
      await c.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: "cks-0000000000000000b", NewCustomKeyStoreName: "renamed" }));
      const after = await scrape(k);
      expect(valueOf(after, M.XksProxyCredentialAge, { custom_key_store_id: "cks-0000000000000000a" })).toBe(0);
      expect(valueOf(after, M.XksProxyCredentialAge, { custom_key_store_id: "cks-0000000000000000b" })).toBe(3);
    } finally {
      c.destroy();
      await k.stop();
    }
    const saved = JSON.parse(readFileSync(file, "utf8")) as { customKeyStores: { id: string; credentialSetDate?: number }[] };
    expect(saved.customKeyStores.find((s) => s.id === "cks-0000000000000000a")!.credentialSetDate).toBeGreaterThanOrEqual(now);
  });
});

describe("xks-mock --kms-config healthCheckIntervalSeconds", () => {
  it("sets how often the local KMS it starts polls; the banner says where the metrics are", { timeout: 30_000 }, async () => {
    const file = join(dir, "cloud.json");
    writeFileSync(file, JSON.stringify({ endpointServices: [], healthCheckIntervalSeconds: 1 }));
    const args = ["--port", "0", "--admin-port", "0", "--kms-port", "0", "--certs-dir", inject("pkiDir"), "--log-level", "silent", "--kms-config", file];
    const child = spawn(process.execPath, [join(packageRoot(), "dist/src/bin/xks-mock.js"), ...args], { env: scrubbedEnv(), cwd: packageRoot() });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.stdout.resume();
    try {
      await vi.waitFor(() => expect(stderr).toMatch(/custom key store xks-demo \(cks-\w+\) CONNECTED/), { timeout: 20_000, interval: 50 });
      const url = /local KMS on (http:\/\/[\d.:]+)/.exec(stderr)![1]!;
      const id = /custom key store xks-demo \((cks-\w+)\)/.exec(stderr)![1]!;
      expect(stderr).toContain(`metrics:    ${url}/metrics`);
      // The default is minutes: a poll within seconds is the file's interval.
      await vi.waitFor(async () => expect(latencyCount(parseExposition(await (await fetch(`${url}/metrics`)).text()), "KmsHealthCheck", "GetHealthStatus", id)).toBeGreaterThan(0), {
        timeout: 5000,
        interval: 100,
      });
    } finally {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    }
  });

});
