import { describe, expect, it } from "vitest";
import { randomIv } from "./random-iv.js";

describe("randomIv", () => {
  it("gives IVs of the asked length that never repeat, across many refills of the random block", () => {
    // 5000 × 12 bytes is ~15 refills of the 4 KiB block.
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const iv = randomIv(12);
      expect(iv.length).toBe(12);
      seen.add(iv.toString("hex"));
    }
    expect(seen.size).toBe(5000);
  });

  it("hands out copies: an IV does not change when later IVs are drawn", () => {
    const first = randomIv(16);
    const snapshot = Buffer.from(first);
    for (let i = 0; i < 1000; i++) randomIv(16);
    expect(first.equals(snapshot)).toBe(true);
  });

  it("bytes look random: every byte value turns up over 5000 IVs", () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 5000; i++) for (const b of randomIv(12)) counts[b]! += 1;
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  it("refuses a length larger than its block", () => expect(() => randomIv(5000)).toThrow(RangeError));
});
