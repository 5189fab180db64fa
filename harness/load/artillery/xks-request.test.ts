import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { computeCdiv } from "../../../src/xks/cdiv.js";
import { EncryptResponse, HealthResponse, MetadataResponse } from "../../../src/xks/schemas.js";
import { emitProcessor, PROCESSOR_FILE } from "./emit-processor.js";
import { encryptProblem, type JsonShape, shapeProblem } from "./xks-request.js";

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

describe("the Artillery processor's answer checks", () => {
  function answer() {
    const [aad, ciphertext, iv, tag, meta] = [randomBytes(64), randomBytes(1 + randomBytes(1)[0]!), randomBytes(12), randomBytes(16), randomBytes(8)];
    const withMeta = randomBytes(1)[0]! % 2 === 0;
    const cdiv = computeCdiv({ aad, ciphertextMetadata: withMeta ? meta : undefined, iv, ciphertext, tag });
    return { aad, json: { ciphertext: b64(ciphertext), initializationVector: b64(iv), authenticationTag: b64(tag), ...(withMeta ? { ciphertextMetadata: b64(meta) } : {}), ciphertextDataIntegrityValue: cdiv } };
  }

  it.each(Array.from({ length: 20 }, (_, i) => i))("agrees with src/xks/cdiv.ts on a random encrypt answer, and catches one flipped byte (%i)", () => {
    const { aad, json } = answer();
    expect(encryptProblem(json, aad)).toBeUndefined();
    const flipped = Buffer.from(json.ciphertext, "base64");
    flipped[0]! ^= 1;
    expect(encryptProblem({ ...json, ciphertext: b64(flipped) }, aad)).toMatch(/ciphertextDataIntegrityValue does not match/);
    expect(encryptProblem(json, randomBytes(64))).toMatch(/does not match/);
  });

  it("refuses missing or non-canonical Base64 and a wrong IV or tag size", () => {
    const { aad, json } = answer();
    expect(encryptProblem({ ...json, ciphertextDataIntegrityValue: undefined }, aad)).toMatch(/ciphertextDataIntegrityValue is missing/);
    expect(encryptProblem({ ...json, ciphertext: `${json.ciphertext} ` }, aad)).toMatch(/ciphertext is missing or not canonical/);
    expect(encryptProblem({ ...json, initializationVector: b64(randomBytes(8)) }, aad)).toMatch(/12 or 16 bytes/);
    expect(encryptProblem({ ...json, authenticationTag: b64(randomBytes(12)) }, aad)).toMatch(/16 bytes/);
  });

  it("refuses ciphertextMetadata over 20 bytes, as `load`'s EncryptResponse does", () => {
    const { aad, json } = answer();
    for (const n of [20, 21]) {
      const meta = randomBytes(n);
      const cdiv = computeCdiv({ aad, ciphertextMetadata: meta, iv: Buffer.from(json.initializationVector, "base64"), ciphertext: Buffer.from(json.ciphertext, "base64"), tag: Buffer.from(json.authenticationTag, "base64") });
      const withMeta = { ...json, ciphertextMetadata: b64(meta), ciphertextDataIntegrityValue: cdiv };
      expect(EncryptResponse.safeParse(withMeta).success).toBe(n <= 20);
      if (n <= 20) expect(encryptProblem(withMeta, aad)).toBeUndefined();
      else expect(encryptProblem(withMeta, aad)).toBe("encrypt answer: ciphertextMetadata decodes to 21 bytes; it must be at most 20 bytes");
    }
  });

  const health = { xksProxyFleetSize: 2, xksProxyVendor: "v", xksProxyModel: "m", ekmVendor: "e", ekmFleetDetails: [{ id: "a", model: "b", healthStatus: "ACTIVE" }] };
  const metadata = { keySpec: "AES_256", keyUsage: ["ENCRYPT", "DECRYPT"], keyStatus: "ENABLED" };
  const cases = [
    { schema: HealthResponse, value: health },
    { schema: HealthResponse, value: { ...health, extra: 1 } },
    { schema: HealthResponse, value: { ...health, xksProxyFleetSize: 0 } },
    { schema: HealthResponse, value: { ...health, xksProxyFleetSize: 1.5 } },
    { schema: HealthResponse, value: { ...health, ekmFleetDetails: [] } },
    { schema: HealthResponse, value: { ...health, ekmFleetDetails: [{ id: "a", model: "b", healthStatus: "FINE" }] } },
    { schema: HealthResponse, value: { ...health, ekmVendor: undefined } },
    { schema: HealthResponse, value: [health] },
    { schema: MetadataResponse, value: metadata },
    { schema: MetadataResponse, value: { ...metadata, keyStatus: "GONE" } },
    { schema: MetadataResponse, value: { ...metadata, keyUsage: Array(11).fill("ENCRYPT") } },
    { schema: MetadataResponse, value: { ...metadata, keyUsage: "ENCRYPT" } },
    { schema: MetadataResponse, value: null },
  ];
  it.each(cases.map((c, i) => ({ ...c, i })))("judges a metadata or health answer as the zod schema does (case $i)", ({ schema, value }) => {
    const { $schema: _s, ...shape } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonShape & { $schema?: string };
    expect(shapeProblem(value, shape) === undefined).toBe(schema.safeParse(value).success);
  });
});

describe("the emitted processor", () => {
  it("is the compiled module and its closure, importing nothing but node: built-ins and each other", () => {
    const dir = mkdtempSync(join(tmpdir(), "xks-artillery-processor-"));
    const files = emitProcessor(dir);
    expect(files[0]).toBe(PROCESSOR_FILE);
    expect(files).toEqual(expect.arrayContaining(["lib/src/xks/cdiv.mjs", "lib/src/xks/limits.mjs", "lib/src/xks/sigv4/sign-headers.mjs", "lib/src/xks/sigv4/canonical-request.mjs"]));
    // Neither zod's schemas nor aws4's signer: the processor shares their rules and signatures, not their packages.
    expect(files).not.toEqual(expect.arrayContaining([expect.stringMatching(/schemas\.mjs$|sigv4\/sign\.mjs$/)]));
    for (const f of files) {
      const text = readFileSync(join(dir, f), "utf8");
      for (const [, spec] of text.matchAll(/\sfrom\s+"([^"]+)"/g)) expect(spec!.startsWith("node:") || files.includes(join(f, "..", spec!).replace(/^\.\//, "")), `${f} imports ${spec}`).toBe(true);
      expect(text).not.toContain("sourceMappingURL");
    }
  });
});
