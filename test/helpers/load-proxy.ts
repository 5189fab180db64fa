/**
 * The fixture of the `xks-harness load` CLI tests: a mock with one keystore "ks" (keys foo and bar) started before
 * the file's tests, its faults cleared after each, stopped after all; `load(args)` runs the built CLI against it
 * with both keys and the secret in the environment.
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, afterEach, beforeAll, expect, vi } from "vitest";
import { randomXksCredential } from "../../src/client/index.js";
import type { XksCredential } from "../../src/xks/sigv4/sign.js";
import { clearFaults } from "./admin-faults.js";
import { targetFlags } from "./check-options.js";
import { startCheckProxy, type CheckProxy } from "./check-proxy.js";
import { runCli, type CliRun } from "./cli-process.js";
import { testConfig } from "./proxy-fixture.js";

export const CLI = "dist/harness/cli.js";

export interface LoadProxy {
  /** The keystore's credential (the secret goes to the CLI through the environment). */
  cred: XksCredential;
  /** The running mock (after beforeAll). */
  proxy(): CheckProxy;
  /** `env`: more environment for the CLI (the secret is always there). */
  load(args: string[], env?: Record<string, string>): Promise<CliRun>;
}

/** Registers the hooks; call at the top of a test file. `keySeed` keeps each file's keys its own. */
export function useLoadProxy(keySeed: string): LoadProxy {
  const cred = randomXksCredential();
  let proxy: CheckProxy | undefined;
  beforeAll(async () => {
    proxy = await startCheckProxy(testConfig({ keystores: [{ name: "ks", pathPrefix: "/load", credentials: [cred], keySeed, keys: [{ id: "foo" }, { id: "bar" }] }] }));
  });
  afterAll(async () => {
    await proxy?.stop();
  });
  afterEach(async () => {
    if (proxy) await clearFaults(proxy);
  });
  const running = () => {
    if (!proxy) throw new Error("the load proxy is not started: useLoadProxy registers a beforeAll hook");
    return proxy;
  };
  return {
    cred,
    proxy: running,
    load: (args, env = {}) => runCli(CLI, ["load", ...targetFlags(running(), cred), "--key-id", "foo", "--key-id", "bar", ...args], { ...env, XKS_SECRET_ACCESS_KEY: cred.secretAccessKey }),
  };
}

/**
 * Resolves once a `load` child is sending at its rate: the warm-up's 20 ciphertexts and its second at the rate,
 * then a second of the measured step, counted by the proxy (`served`). Throws with its stderr if it ended first.
 */
export async function loadFlowing(child: ChildProcess, served: () => number, rate: number, stderr: () => string): Promise<void> {
  const before = served();
  await vi.waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the CLI ended before load flowed: ${stderr()}`);
      expect(served() - before).toBeGreaterThanOrEqual(20 + 2 * rate);
    },
    { timeout: 15_000, interval: 50 },
  );
}
