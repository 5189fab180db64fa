/**
 * `xks-harness watch` stops on a signal whatever state its stdout is in: with stdout a full pipe nobody reads
 * (`xks-harness watch | less` left at its prompt), its state lines cannot be written out, and SIGTERM must still end
 * it within the stop deadline (src/bin's stop signals: a clean stop, forced after 5 s), and a second signal at once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomXksCredential } from "../src/client/index.js";
import { targetFlags } from "./helpers/check-options.js";
import { startCheckProxy, type CheckProxy } from "./helpers/check-proxy.js";
import { fullPipes, spawnStalledCli } from "./helpers/full-pipe.js";
import { testConfig } from "./helpers/proxy-fixture.js";

/** src/bin/xks-mock-start.ts: the first signal stops cleanly, and the process exits after 5 s regardless. */
const STOP_DEADLINE_MS = 5000;
const MARGIN_MS = 1500;
const AT_ONCE_MS = 1000;

const cred = randomXksCredential();
let proxy: CheckProxy;
const pipes = fullPipes("xks-watch-stall-");
beforeAll(async () => {
  const keystore = { name: "ks", pathPrefix: "/watch", credentials: [cred], keySeed: "watch stall seed", keys: [{ id: "foo" }] };
  proxy = await startCheckProxy(testConfig({ keystores: [keystore] }));
});
afterAll(async () => {
  await proxy?.stop();
  pipes.dispose();
});

/** watch, one round a second, its stdout a full pipe; resolved once it has run two rounds (its lines are waiting). */
async function startStalledWatch(name: string) {
  const args = ["watch", ...targetFlags(proxy, cred), "--interval", "1", "--metrics-port", "0"];
  const w = spawnStalledCli(pipes, name, args, { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey });
  const before = proxy.logs.answered();
  // Two rounds' health calls: the start and state lines were written (and wait in the full pipe) by then.
  await vi.waitFor(
    () => {
      if (w.child.exitCode !== null) throw new Error(`watch ended before its rounds ran: ${w.stderr()}`);
      expect(proxy.logs.answered() - before).toBeGreaterThanOrEqual(2);
    },
    { timeout: 15_000, interval: 50 },
  );
  return w;
}

describe("xks-harness watch with stdout a full pipe nobody reads", () => {
  it("SIGTERM → exit 0 within the stop deadline", async () => {
    const w = await startStalledWatch("one-signal");
    try {
      const sentAt = performance.now();
      w.child.kill("SIGTERM");
      const exit = await w.within(STOP_DEADLINE_MS + MARGIN_MS);
      expect(exit, `still running after the stop deadline; stderr: ${w.stderr()}`).toBeDefined();
      expect(exit!.signal).toBeNull();
      expect(exit!.code).toBe(0);
      expect(exit!.at - sentAt).toBeLessThan(STOP_DEADLINE_MS + MARGIN_MS);
    } finally {
      w.cleanup();
    }
  }, 40_000);

  it("a second signal → exit at once (128 + its number)", async () => {
    const w = await startStalledWatch("two-signals");
    try {
      w.child.kill("SIGTERM");
      const sentAt = performance.now();
      w.child.kill("SIGINT");
      const exit = await w.within(AT_ONCE_MS + MARGIN_MS);
      expect(exit, `still running after the second signal; stderr: ${w.stderr()}`).toBeDefined();
      // Both are pending at once and Linux delivers the lower-numbered first (SIGINT), so the second handled may be
      // either: 128 + its number.
      expect([130, 143]).toContain(exit!.code);
      expect(exit!.at - sentAt).toBeLessThan(AT_ONCE_MS + MARGIN_MS);
    } finally {
      w.cleanup();
    }
  }, 40_000);
});
