import { describe, expect, it } from "vitest";
import { MUTATIONS, SPEC, mutateFor, type Mutate, type Mutation } from "./mutate.js";

const IV = Buffer.alloc(12, 7);
const CDIV = Buffer.alloc(32, 1).toString("base64");
const CIPHERTEXT = Buffer.alloc(12, 3);
const PLAINTEXT = Buffer.from("Hello World!").toString("base64");

/** What each point of a Mutate does with a fixed spec value: equal outcomes mean the same behaviour. */
function outcomes(m: Mutate) {
  return {
    verifiesSignatures: m.verifiesSignatures(),
    maxClockSkewMs: m.maxClockSkewMs(300_000),
    boundAad: m.boundAad("aad"),
    iv: m.iv(IV).length,
    ciphertext: m.ciphertext(CIPHERTEXT).length,
    cdiv: m.cdiv(CDIV),
    plaintext: m.plaintext(PLAINTEXT),
    keySpec: m.keySpec("AES_256"),
    refusesGet: m.refusesGet(),
    jsonErrors: m.jsonErrors(),
  };
}

/** The one point each mutation bends; every other point keeps the spec's value. */
const BENDS: Record<Mutation, Partial<ReturnType<typeof outcomes>>> = {
  "accept-any-signature": { verifiesSignatures: false },
  "skip-skew-check": { maxClockSkewMs: Number.POSITIVE_INFINITY },
  "wrong-iv-length": { iv: 8 },
  "missing-cdiv": { cdiv: undefined },
  "wrong-cdiv": { cdiv: Buffer.from([0, ...Buffer.alloc(31, 1)]).toString("base64") },
  "ignore-aad": { boundAad: undefined },
  "get-200": { refusesGet: false },
  "error-without-json": { jsonErrors: false },
  "key-spec-rsa": { keySpec: "RSA_0" },
  "garbled-plaintext": { plaintext: Buffer.from("Iello World!").toString("base64") },
  "ciphertext-longer": { ciphertext: 13 },
};

describe("the mutation seam", () => {
  it("SPEC hands every value back unchanged", () => {
    expect(outcomes(SPEC)).toEqual({
      verifiesSignatures: true,
      maxClockSkewMs: 300_000,
      boundAad: "aad",
      iv: 12,
      ciphertext: 12,
      cdiv: CDIV,
      plaintext: PLAINTEXT,
      keySpec: "AES_256",
      refusesGet: true,
      jsonErrors: true,
    });
  });

  it("no active mutation is SPEC itself (nothing allocated per request)", () => {
    expect(mutateFor(new Set())).toBe(SPEC);
  });

  it.each([...MUTATIONS])("%s bends its one point and nothing else", (mutation) => {
    expect(outcomes(mutateFor(new Set([mutation])))).toEqual({ ...outcomes(SPEC), ...BENDS[mutation] });
  });

  it("missing-cdiv wins over wrong-cdiv: no CDIV at all", () => {
    expect(mutateFor(new Set<Mutation>(["wrong-cdiv", "missing-cdiv"])).cdiv(CDIV)).toBeUndefined();
  });
});
