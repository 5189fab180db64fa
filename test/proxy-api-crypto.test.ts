/**
 * Encrypt and Decrypt of the mock over real HTTPS, checked against a local AES-256-GCM with the spec's AAD framing
 * (src/xks/aes-gcm.ts) and CDIV (src/xks/cdiv.ts): lengths, round trips at the spec minimums, ciphertextMetadata,
 * 16-byte IVs, and key material that agrees across replicas with the same seed.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomXksCredential, type XksClient } from "../src/client/index.js";
import { DEFAULT_KEY_SEED, DEFAULT_PATH_PREFIX, PUBLIC_TEST_CREDENTIAL, defaultKeys } from "../src/proxy/config-schema.js";
import { deriveKeyMaterial } from "../src/proxy/key-material.js";
import { gcmDecrypt, gcmEncrypt } from "../src/xks/aes-gcm.js";
import { computeCdiv } from "../src/xks/cdiv.js";
import { b64, decryptFields, encryptOk, expectOk, expectXksError, unb64 } from "./helpers/proxy-api-helpers.js";
import { startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";

const CM_TEXT = "key_version=1";
const CM_SEED = "seed of the metadata key store";
const MATERIAL = randomBytes(32);
const cred = randomXksCredential();

let proxy: TestProxy;
let c: XksClient;
let cm: XksClient;

beforeAll(async () => {
  proxy = await startTestProxy(
    testConfig({
      keystores: [
        { name: "default", pathPrefix: DEFAULT_PATH_PREFIX, credentials: [{ ...PUBLIC_TEST_CREDENTIAL }], keys: [...defaultKeys(), { id: "byo", material: MATERIAL.toString("base64") }] },
        { name: "cm", pathPrefix: "/cm", credentials: [cred], keySeed: CM_SEED, ciphertextMetadata: b64(CM_TEXT), keys: [{ id: "foo" }] },
      ],
    }),
  );
  c = proxy.client({ keystore: "default" });
  cm = proxy.client({ keystore: "cm" });
});
afterAll(async () => {
  await proxy?.stop();
});

describe("encrypt → decrypt", () => {
  it("round trip returns the plaintext; IV 12 bytes, tag 16, ciphertext as long as the plaintext, no metadata unless configured", async () => {
    const pt = randomBytes(100);
    const aad = randomBytes(33);
    const s = await encryptOk(c, "foo", { plaintext: b64(pt), additionalAuthenticatedData: b64(aad) });
    expect(unb64(s.initializationVector)).toHaveLength(12);
    expect(unb64(s.authenticationTag)).toHaveLength(16);
    expect(unb64(s.ciphertext)).toHaveLength(pt.length);
    expect(unb64(s.ciphertext).equals(pt)).toBe(false);
    expect(s.ciphertextMetadata).toBeUndefined();
    expect(s.ciphertextDataIntegrityValue).toBeUndefined();
    expect(expectOk(await c.decrypt("foo", decryptFields(s, b64(aad))))).toEqual({ plaintext: b64(pt) });
  });
  it("each encrypt uses a fresh IV", async () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 5; i++) ivs.add((await encryptOk(c, "foo", { plaintext: b64("same") })).initializationVector);
    expect(ivs.size).toBe(5);
  });
  it("empty plaintext round trips", async () => {
    const s = await encryptOk(c, "foo", { plaintext: "" });
    expect(s.ciphertext).toBe("");
    expect(expectOk(await c.decrypt("foo", decryptFields(s)))).toEqual({ plaintext: "" });
  });
  it("4300 bytes of plaintext with 8192 bytes of AAD round trip (spec minimums)", async () => {
    const pt = randomBytes(4300);
    const aad = b64(randomBytes(8192));
    const s = await encryptOk(c, "foo", { plaintext: b64(pt), additionalAuthenticatedData: aad });
    expect(unb64(s.ciphertext)).toHaveLength(4300);
    expect(expectOk(await c.decrypt("foo", decryptFields(s, aad)))).toEqual({ plaintext: b64(pt) });
  });
  it.each([
    ["with AAD", b64("project=nile,department=marketing")],
    ["without AAD", undefined],
  ])("CDIV %s matches a local SHA-256(AAD ‖ metadata ‖ IV ‖ ciphertext ‖ tag), and the output decrypts", async (_label, aad) => {
    const pt = b64(randomBytes(64));
    const s = await encryptOk(c, "foo", { plaintext: pt, ...(aad ? { additionalAuthenticatedData: aad } : {}), ciphertextDataIntegrityValueAlgorithm: "SHA_256" });
    const local = computeCdiv({ aad: aad ? unb64(aad) : undefined, iv: unb64(s.initializationVector), ciphertext: unb64(s.ciphertext), tag: unb64(s.authenticationTag) });
    expect(s.ciphertextDataIntegrityValue).toBe(local);
    expect(expectOk(await c.decrypt("foo", decryptFields(s, aad)))).toEqual({ plaintext: pt });
  });
  it("decrypt accepts a 16-byte IV (ciphertext made locally with the default seed's key for foo)", async () => {
    const key = deriveKeyMaterial(DEFAULT_KEY_SEED, "foo");
    const iv = randomBytes(16);
    const pt = randomBytes(48);
    const aad = randomBytes(20);
    const sealed = gcmEncrypt(key, iv, pt, { aad });
    const res = await c.decrypt("foo", { ciphertext: b64(sealed.ciphertext), initializationVector: b64(iv), authenticationTag: b64(sealed.tag), additionalAuthenticatedData: b64(aad) });
    expect(expectOk(res)).toEqual({ plaintext: b64(pt) });
  });
});

describe("ciphertextMetadata", () => {
  it("is returned when configured, bound into the AAD by the spec's framing, and covered by the CDIV", async () => {
    const pt = randomBytes(40);
    const aad = randomBytes(17);
    const s = await encryptOk(cm, "foo", { plaintext: b64(pt), additionalAuthenticatedData: b64(aad), ciphertextDataIntegrityValueAlgorithm: "SHA_256" });
    expect(s.ciphertextMetadata).toBe(b64(CM_TEXT));
    const parts = { iv: unb64(s.initializationVector), ciphertext: unb64(s.ciphertext), tag: unb64(s.authenticationTag) };
    expect(s.ciphertextDataIntegrityValue).toBe(computeCdiv({ aad, ciphertextMetadata: Buffer.from(CM_TEXT), ...parts }));
    // Decrypt locally with BE16(len aad) ‖ aad ‖ U8(len cm) ‖ cm: only the right metadata opens it.
    const key = deriveKeyMaterial(CM_SEED, "foo");
    expect(gcmDecrypt(key, parts.iv, parts, { aad, ciphertextMetadata: Buffer.from(CM_TEXT) })?.equals(pt)).toBe(true);
    expect(gcmDecrypt(key, parts.iv, parts, { aad })).toBeUndefined();
    expect(expectOk(await cm.decrypt("foo", decryptFields(s, b64(aad))))).toEqual({ plaintext: b64(pt) });
  });
});

describe("key material", () => {
  const seed = "replica seed shared by two proxies";
  const replicaConfig = (keySeed: string) => testConfig({ keystores: [{ name: "r", pathPrefix: "/replica", credentials: [cred], keySeed, keys: [{ id: "k1" }] }] });

  it("two proxies started separately with the same keySeed agree; another seed cannot decrypt", async () => {
    const [one, two, other] = await Promise.all([startTestProxy(replicaConfig(seed)), startTestProxy(replicaConfig(seed)), startTestProxy(replicaConfig(`${seed}, but not`))]);
    try {
      expect(one.port).not.toBe(two.port);
      const aad = b64("ctx");
      const pt = b64(randomBytes(32));
      const s = await encryptOk(one.client(), "k1", { plaintext: pt, additionalAuthenticatedData: aad });
      expect(expectOk(await two.client().decrypt("k1", decryptFields(s, aad)))).toEqual({ plaintext: pt });
      const back = await encryptOk(two.client(), "k1", { plaintext: pt });
      expect(expectOk(await one.client().decrypt("k1", decryptFields(back)))).toEqual({ plaintext: pt });
      expectXksError(await other.client().decrypt("k1", decryptFields(s, aad)), "InvalidCiphertextException");
    } finally {
      await Promise.all([one.stop(), two.stop(), other.stop()]);
    }
  });
  it("a key with explicit material decrypts a ciphertext made locally with it, and the proxy's output opens locally", async () => {
    const iv = randomBytes(12);
    const pt = randomBytes(77);
    const aad = randomBytes(9);
    const sealed = gcmEncrypt(MATERIAL, iv, pt, { aad });
    const res = await c.decrypt("byo", { ciphertext: b64(sealed.ciphertext), initializationVector: b64(iv), authenticationTag: b64(sealed.tag), additionalAuthenticatedData: b64(aad) });
    expect(expectOk(res)).toEqual({ plaintext: b64(pt) });
    const s = await encryptOk(c, "byo", { plaintext: b64(pt), additionalAuthenticatedData: b64(aad) });
    expect(gcmDecrypt(MATERIAL, unb64(s.initializationVector), { ciphertext: unb64(s.ciphertext), tag: unb64(s.authenticationTag) }, { aad })?.equals(pt)).toBe(true);
    // The explicit material wins over the seed: the seed-derived key of the same id cannot open it.
    expect(gcmDecrypt(deriveKeyMaterial(DEFAULT_KEY_SEED, "byo"), unb64(s.initializationVector), { ciphertext: unb64(s.ciphertext), tag: unb64(s.authenticationTag) }, { aad })).toBeUndefined();
  });
});
