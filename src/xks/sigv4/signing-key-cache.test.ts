import { describe, expect, it } from "vitest";
import { SIGV4_INPUT, SIGV4_VECTORS } from "../spec-vectors.fixture.js";
import { signingKey } from "./canonical-request.js";
import { SigningKeyCache } from "./signing-key-cache.js";
import { verifySigV4 } from "./verify.js";

const { secret, scopeDate, region, service } = SIGV4_INPUT;

describe("SigningKeyCache", () => {
  it("gives the SigV4 vector's signing key, and the same Buffer on the second call", () => {
    const cache = new SigningKeyCache();
    const first = cache.get(secret, scopeDate, region, service);
    expect(first.toString("hex")).toBe(SIGV4_INPUT.signingKeyHex);
    expect(cache.get(secret, scopeDate, region, service)).toBe(first);
    expect(cache.size).toBe(1);
  });

  it("keeps one key per (secret, day, region, service): any part changed is another key", () => {
    const cache = new SigningKeyCache();
    const variants: [string, string, string, string][] = [
      [secret, scopeDate, region, service],
      [`${secret}x`, scopeDate, region, service],
      [secret, "20240516", region, service],
      [secret, scopeDate, "eu-west-1", service],
      [secret, scopeDate, region, "kms"],
    ];
    const keys = variants.map((v) => cache.get(...v).toString("hex"));
    expect(new Set(keys).size).toBe(variants.length);
    variants.forEach((v, i) => expect(keys[i]).toBe(signingKey(...v).toString("hex")));
  });

  it("is bounded: when full it starts over instead of growing", () => {
    const cache = new SigningKeyCache(4);
    for (let day = 10; day < 30; day++) {
      cache.get(secret, `202405${day}`, region, service);
      expect(cache.size).toBeLessThanOrEqual(4);
    }
    expect(cache.get(secret, "20240529", region, service).toString("hex")).toBe(signingKey(secret, "20240529", region, service).toString("hex"));
  });

  it("verifySigV4 with a cache gives the same verdicts as without, the wrong secret included", () => {
    const cache = new SigningKeyCache();
    for (const v of SIGV4_VECTORS) {
      const request = { method: "POST", path: SIGV4_INPUT.path, headers: { ...v.headers, authorization: v.authorization }, body: SIGV4_INPUT.body };
      for (const lookupSecret of [() => secret, () => "PleaseReplaceThisWithSomeSecretOfLength43To64"]) {
        const plain = verifySigV4(request, { lookupSecret, now: SIGV4_INPUT.date });
        expect(verifySigV4(request, { lookupSecret, now: SIGV4_INPUT.date, signingKeys: cache })).toEqual(plain);
        expect(verifySigV4(request, { lookupSecret, now: SIGV4_INPUT.date, signingKeys: cache })).toEqual(plain);
      }
    }
    expect(cache.size).toBe(2);
  });
});
