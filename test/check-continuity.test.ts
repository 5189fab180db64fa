/**
 * The continuity check of `xks-harness check`: the new settings must reach the same key material as the current
 * ones. Two or three real mocks whose keystores derive their keys from the same or a different keySeed stand in for
 * "the same key manager behind a new proxy" and "a proxy in front of other keys"; snapshots cover moves where both
 * cannot be reached at once.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../harness/check/run-check.js";
import { readSnapshot, takeSnapshot, writeSnapshot, type Snapshot } from "../harness/check/snapshot.js";
import type { XksSettings } from "../harness/common/settings.js";
import { randomXksCredential, XksClient } from "../src/client/index.js";
import type { XksCredential } from "../src/xks/sigv4/sign.js";
import { checkOf, checkOptions, expectPrediction, proxySettings } from "./helpers/check-options.js";
import { startCheckProxy, type CheckProxy } from "./helpers/check-proxy.js";
import { pem, testConfig } from "./helpers/proxy-fixture.js";

const SEED_1 = "continuity seed one: key material A";
const SEED_2 = "continuity seed two: key material B";

function keystore(credential: XksCredential, keySeed: string) {
  return testConfig({ keystores: [{ name: "ks", pathPrefix: "/continuity", credentials: [credential], keySeed, keys: [{ id: "foo" }, { id: "bar" }] }] });
}

const credA = randomXksCredential();
const credSame = randomXksCredential();
const credOther = randomXksCredential();
/** A: the proxy in use now. Same: a new proxy on the same key material. Other: a new proxy on other keys. */
let a: CheckProxy, same: CheckProxy, other: CheckProxy;
let current: XksSettings;
let dir: string;

beforeAll(async () => {
  [a, same, other] = await Promise.all([startCheckProxy(keystore(credA, SEED_1)), startCheckProxy(keystore(credSame, SEED_1)), startCheckProxy(keystore(credOther, SEED_2))]);
  current = proxySettings(a);
  dir = mkdtempSync(join(tmpdir(), "xks-check-continuity-"));
});
afterAll(async () => {
  await Promise.all([a, same, other].filter(Boolean).map((p) => p.stop()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("with the current settings reachable", () => {
  it("a new proxy on the same key material passes, both directions, every key", async () => {
    const report = await runCheck(checkOptions(proxySettings(same), { keyIds: ["foo", "bar"], current }));
    expect(checkOf(report, "continuity")).toMatchObject({ status: "pass", detail: ["foo current → new: ok", "foo new → current: ok", "bar current → new: ok", "bar new → current: ok"].join("\n") });
    expectPrediction(report, "pass", null, null);
  });

  it("a new proxy on different key material fails continuity (verdict fail; UpdateCustomKeyStore itself would succeed)", async () => {
    const report = await runCheck(checkOptions(proxySettings(other), { keyIds: ["foo"], current }));
    expect(checkOf(report, "keys").status).toBe("pass");
    const continuity = checkOf(report, "continuity");
    expect(continuity.status).toBe("fail");
    expect(continuity.detail).toMatch(/foo current → new: NOT decryptable \(HTTP 400 InvalidCiphertextException\)/);
    expect(continuity.detail).toMatch(/foo new → current: NOT decryptable/);
    expect(continuity.detail).toMatch(/ciphertexts made before the change would be unrecoverable/);
    expectPrediction(report, "fail", null, null);
  });

  it("current settings that do not work fail continuity without blaming the key material", async () => {
    const broken = { ...current, secretAccessKey: randomXksCredential().secretAccessKey };
    const report = await runCheck(checkOptions(proxySettings(same), { keyIds: ["foo"], current: broken }));
    const continuity = checkOf(report, "continuity");
    expect(continuity.status).toBe("fail");
    expect(continuity.detail).toMatch(/foo current → new: encrypt failed: HTTP 401 AuthenticationFailedException/);
    expect(continuity.detail).toMatch(/foo new → current: decrypt failed: HTTP 401 AuthenticationFailedException/);
    expect(continuity.detail).not.toMatch(/unrecoverable|different key material/);
    expect(continuity.fix).toBe("make both the current and the new settings work for every key before updating");
  });
});

describe("with a snapshot taken earlier", () => {
  let snapshot: Snapshot;

  beforeAll(async () => {
    const client = new XksClient({ baseUrl: `${current.endpoint}${current.path}`, region: "us-east-1", credential: credA }, { ca: pem("caCert"), timeoutMs: 3000 });
    try {
      const taken = await takeSnapshot(client, { endpoint: current.endpoint, path: current.path, accessKeyId: current.accessKeyId, region: "us-east-1" }, ["foo", "bar"], 3000);
      expect(taken.errors).toEqual([]);
      snapshot = taken.snapshot;
    } finally {
      await client.close();
    }
  });

  it("holds probes for every key and no secret, and survives a write/read round trip", () => {
    expect(snapshot.probes.map((p) => p.keyId)).toEqual(["foo", "bar"]);
    const file = join(dir, "probes.json");
    writeSnapshot(file, snapshot);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(credA.secretAccessKey);
    expect(text).toContain(credA.accessKeyId);
    expect(readSnapshot(file)).toEqual(snapshot);
  });

  it("decrypts under new settings on the same key material: pass", async () => {
    const report = await runCheck(checkOptions(proxySettings(same), { keyIds: ["foo", "bar"], snapshot }));
    expect(checkOf(report, "continuity")).toMatchObject({ status: "pass", detail: expect.stringMatching(/^foo snapshot of .*: ok\nbar snapshot of .*: ok$/) });
    expectPrediction(report, "pass", null, null);
  });

  it("does not decrypt under new settings on other key material: fail", async () => {
    const report = await runCheck(checkOptions(proxySettings(other), { keyIds: ["foo", "bar"], snapshot }));
    const continuity = checkOf(report, "continuity");
    expect(continuity.status).toBe("fail");
    expect(continuity.detail).toMatch(/foo snapshot of .*: NOT decryptable \(HTTP 400 InvalidCiphertextException\)/);
    expect(continuity.detail).toMatch(/bar snapshot of .*: NOT decryptable/);
    expectPrediction(report, "fail", null, null);
  });

  it("a tampered snapshot (another plaintext digest) fails even on the right key material", async () => {
    const tampered: Snapshot = { ...snapshot, probes: snapshot.probes.map((p) => ({ ...p, plaintextSha256: "0".repeat(64) })) };
    const report = await runCheck(checkOptions(proxySettings(same), { keyIds: ["foo"], snapshot: tampered }));
    expect(checkOf(report, "continuity")).toMatchObject({ status: "fail", detail: expect.stringMatching(/NOT decryptable \(decrypt answer: the plaintext is not the one encrypted\)/) });
  });
});
