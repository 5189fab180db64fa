/**
 * The admin API's view of credential use (GET /keystores): per access key id, when it last authenticated a request
 * — what shows, after a rotation, that KMS signs with the new credential and the old one can go. Times only,
 * never a secret; a refused signature does not count; a reload keeps what was seen.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomXksCredential } from "../src/client/index.js";
import { adminAuth } from "./helpers/admin-faults.js";
import { startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";

const OLD = randomXksCredential();
const NEW = randomXksCredential();
const config = (credentials = [OLD, NEW]) => testConfig({ keystores: [{ name: "rot", pathPrefix: "/rot", credentials, keySeed: "admin credential use key seed", keys: [{ id: "foo" }] }] });

interface KeystoreJson {
  name: string;
  accessKeyIds: string[];
  credentials: { accessKeyId: string; lastAuthenticatedAt: string | null }[];
}

let proxy: TestProxy;
beforeAll(async () => {
  proxy = await startTestProxy(config());
});
afterAll(async () => {
  await proxy?.stop();
});

async function keystores(): Promise<{ text: string; json: KeystoreJson[] }> {
  const res = await fetch(`${proxy.adminUrl}/keystores`, { headers: adminAuth(proxy) });
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, json: JSON.parse(text) as KeystoreJson[] };
}
const lastOf = (ks: KeystoreJson[], id: string) => ks[0]!.credentials.find((c) => c.accessKeyId === id)?.lastAuthenticatedAt;

describe("GET /keystores: when each credential last authenticated a request", () => {
  it("null before any request; the signing credential's time after one, the other's still null; never a secret", async () => {
    const first = await keystores();
    expect(first.json[0]!.credentials).toEqual([
      { accessKeyId: OLD.accessKeyId, lastAuthenticatedAt: null },
      { accessKeyId: NEW.accessKeyId, lastAuthenticatedAt: null },
    ]);
    const before = Date.now();
    expect((await proxy.client({ credential: NEW }).health()).status).toBe(200);
    const after = Date.now();
    const seen = await keystores();
    const at = lastOf(seen.json, NEW.accessKeyId);
    expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // The proxy's clock, read between the test's two readings (ms rounding aside).
    expect(Date.parse(at!)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(at!)).toBeLessThanOrEqual(after + 1);
    expect(lastOf(seen.json, OLD.accessKeyId)).toBeNull();
    for (const secret of [OLD.secretAccessKey, NEW.secretAccessKey]) expect(seen.text).not.toContain(secret);
  });

  it("a request with OLD's id but a wrong secret is refused and does not count", async () => {
    const forged = { accessKeyId: OLD.accessKeyId, secretAccessKey: randomXksCredential().secretAccessKey };
    expect((await proxy.client({ credential: forged }).health()).status).toBe(401);
    expect(lastOf((await keystores()).json, OLD.accessKeyId)).toBeNull();
  });

  it("a reload keeps the times of the credentials it keeps", async () => {
    expect((await proxy.client({ credential: OLD }).health()).status).toBe(200);
    const seen = lastOf((await keystores()).json, NEW.accessKeyId);
    await proxy.reload(config([NEW]));
    const after = await keystores();
    expect(after.json[0]!.credentials).toEqual([{ accessKeyId: NEW.accessKeyId, lastAuthenticatedAt: seen }]);
  });
});
