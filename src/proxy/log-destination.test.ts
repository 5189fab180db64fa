import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { nonBlockingDestination } from "./log-destination.js";

describe("nonBlockingDestination", () => {
  it("drops lines beyond the bound while the reader is stalled, and reports how many once it catches up", async () => {
    // A stream nobody reads: what is written stays queued, as on a pipe whose reader stopped.
    const out = new PassThrough({ highWaterMark: 1 });
    const log = nonBlockingDestination(out, (n) => `dropped ${n}\n`, 10);
    // a and b are queued (18 bytes > 10); c and d are dropped.
    for (const line of ["a-123456\n", "b-123456\n", "c-123456\n", "d-123456\n"]) log.write(line);
    expect(out.writableLength).toBe(18);
    const text: string[] = [];
    out.setEncoding("utf8").on("data", (s: string) => text.push(s));
    await new Promise((resolve) => setImmediate(resolve));
    log.write("e-123456\n");
    await new Promise((resolve) => setImmediate(resolve));
    expect(text.join("")).toBe("a-123456\nb-123456\ndropped 2\ne-123456\n");
  });

  it("stops writing, without throwing, once the output failed (EPIPE: the reader went away)", () => {
    const out = new PassThrough();
    const log = nonBlockingDestination(out, (n) => `dropped ${n}\n`);
    out.destroy(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        expect(() => log.write("after\n")).not.toThrow();
        resolve();
      }),
    );
  });
});
