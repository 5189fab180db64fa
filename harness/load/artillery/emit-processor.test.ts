import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitProcessor, PROCESSOR_FILE } from "./emit-processor.js";

describe("the emitted processor", () => {
  it("is the compiled module and its closure, importing nothing but node: built-ins and each other", () => {
    const dir = mkdtempSync(join(tmpdir(), "xks-artillery-processor-"));
    const files = emitProcessor(dir);
    expect(files[0]).toBe(PROCESSOR_FILE);
    expect(files).toEqual(expect.arrayContaining(["lib/src/xks/answers.mjs", "lib/src/xks/kms-outcome.mjs", "lib/src/xks/cdiv.mjs", "lib/src/xks/limits.mjs", "lib/src/xks/sigv4/sign-headers.mjs", "lib/src/xks/sigv4/canonical-request.mjs"]));
    // Neither zod's schemas nor aws4's signer: the processor shares their rules and signatures, not their packages.
    expect(files).not.toEqual(expect.arrayContaining([expect.stringMatching(/schemas\.mjs$|sigv4\/sign\.mjs$/)]));
    for (const f of files) {
      const text = readFileSync(join(dir, f), "utf8");
      for (const [, spec] of text.matchAll(/\sfrom\s+"([^"]+)"/g)) expect(spec!.startsWith("node:") || files.includes(join(f, "..", spec!).replace(/^\.\//, "")), `${f} imports ${spec}`).toBe(true);
      expect(text).not.toContain("sourceMappingURL");
    }
  });
});
