/**
 * Ctrl-C on `xks-harness load` whose stdout is a full pipe nobody reads (`xks-harness load … | less` left at its
 * prompt): the report cannot be written out, and the CLI must still end within its stop deadline (--timeout-ms for
 * the calls in flight, then 5 s), with the verdict's exit code; a second Ctrl-C ends it at once.
 * The pipe is a FIFO this test holds open at both ends and filled to the brim, so every write of the CLI waits.
 */
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, describe, expect, it, vi } from "vitest";
import { targetFlags } from "./helpers/check-options.js";
import { fullPipes, spawnStalledCli } from "./helpers/full-pipe.js";
import { loadFlowing, useLoadProxy } from "./helpers/load-proxy.js";

const RATE = 50;
const DURATION_S = 120;
const TIMEOUT_MS = 1000;
/** harness/load/command.ts: the calls in flight (--timeout-ms), then 5 s for the report. */
const STOP_DEADLINE_MS = TIMEOUT_MS + 5000;
const MARGIN_MS = 1500;
const AT_ONCE_MS = 1000;
const { cred, proxy } = useLoadProxy("load stalled stdout key seed");
const served = () => proxy().logs.answered();

const pipes = fullPipes("xks-load-stall-");
afterAll(() => pipes.dispose());

async function startFlowingLoad(name: string) {
  const args = ["load", ...targetFlags(proxy(), cred), "--key-id", "foo", "--rate", String(RATE), "--duration", String(DURATION_S), "--timeout-ms", String(TIMEOUT_MS)];
  const load = spawnStalledCli(pipes, name, args, { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey });
  await loadFlowing(load.child, served, RATE, load.stderr);
  return load;
}

describe("xks-harness load with stdout a full pipe nobody reads", () => {
  it("Ctrl-C → exit within the stop deadline, with the stopped verdict's code (130)", async () => {
    const load = await startFlowingLoad("one-signal");
    try {
      const sentAt = performance.now();
      load.child.kill("SIGINT");
      const exit = await load.within(STOP_DEADLINE_MS + MARGIN_MS);
      expect(exit, "still running after the stop deadline").toBeDefined();
      expect(exit!.signal, load.stderr()).toBeNull();
      expect(exit!.code).toBe(130);
      expect(exit!.at - sentAt).toBeLessThan(STOP_DEADLINE_MS + MARGIN_MS);
    } finally {
      load.cleanup();
    }
  }, 40_000);

  it("a second Ctrl-C → exit at once", async () => {
    const load = await startFlowingLoad("two-signals");
    try {
      load.child.kill("SIGINT");
      // The first is handled: the schedule stops and the mock sees no new request.
      await vi.waitFor(
        async () => {
          const n = served();
          await delay(200);
          expect(served()).toBe(n);
        },
        { timeout: 5000, interval: 10 },
      );
      const sentAt = performance.now();
      load.child.kill("SIGINT");
      const exit = await load.within(STOP_DEADLINE_MS + MARGIN_MS);
      expect(exit, "still running after the second Ctrl-C").toBeDefined();
      // 130 from the CLI's handler, or, once the run is over and its handler gone, the signal's default action.
      expect([{ code: 130, signal: null }, { code: null, signal: "SIGINT" }]).toContainEqual({ code: exit!.code, signal: exit!.signal });
      expect(exit!.at - sentAt).toBeLessThan(AT_ONCE_MS);
    } finally {
      load.cleanup();
    }
  }, 40_000);
});
