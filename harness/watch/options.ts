/**
 * @module harness/watch/options
 * The flags of `xks-harness watch` turned into WatchOptions, every value checked before anything is sent or bound.
 * The connection flags are `check`'s, resolved and held to the same input rules (harness/check/input.ts).
 */
import type { ConnectionFlagValues } from "../common/connection-flags.js";
import type { XksSettings } from "../common/settings.js";
import { UsageError } from "../common/usage-error.js";
import { inputProblems } from "../check/input.js";
import { toCheckOptions } from "../check/options.js";

export interface WatchFlags extends ConnectionFlagValues {
  interval: number;
  metricsPort: number;
  metricsHost: string;
  customKeyStoreId?: string | undefined;
  once: boolean;
  json: boolean;
  color: boolean;
}

export interface WatchOptions {
  settings: XksSettings;
  region: string;
  keyIds: string[];
  /** Trust anchors: Node's roots plus --ca. */
  ca: string[];
  clientCert?: { cert: string; key: string } | undefined;
  timeoutMs: number;
  intervalS: number;
  metricsPort: number;
  metricsHost: string;
  /** The CustomKeyStoreId label of every series ("" without --custom-key-store-id). */
  customKeyStoreId: string;
  once: boolean;
  json: boolean;
  color: boolean;
}

/** KMS's CustomKeyStoreId: 1 to 64 characters (KMS API reference); ours only labels series, so any such id goes. */
const CUSTOM_KEY_STORE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export async function toWatchOptions(f: WatchFlags, env: NodeJS.ProcessEnv): Promise<WatchOptions> {
  const check = toCheckOptions({ ...f, connectivity: "PUBLIC_ENDPOINT", verbose: false }, env);
  const errors = inputProblems(check).filter((p) => p.severity === "error");
  if (errors.length) throw new UsageError(errors.map((e) => e.message).join("\n"));
  if (f.customKeyStoreId !== undefined && !CUSTOM_KEY_STORE_ID.test(f.customKeyStoreId)) {
    throw new UsageError(`--custom-key-store-id ${f.customKeyStoreId}: must be 1 to 64 of A-Z a-z 0-9 _ -. Fix: give the store's id, e.g. cks-1234567890abcdef0`);
  }
  if (!f.metricsHost.trim()) throw new UsageError("--metrics-host is empty. Fix: give an address to listen on, e.g. 127.0.0.1");
  const { trustAnchors } = await import("../../src/client/index.js");
  return {
    settings: check.settings,
    region: check.region,
    keyIds: check.keyIds,
    ca: trustAnchors(check.extraCa),
    clientCert: check.clientCert,
    timeoutMs: check.timeoutMs,
    intervalS: f.interval,
    metricsPort: f.metricsPort,
    metricsHost: f.metricsHost,
    customKeyStoreId: f.customKeyStoreId ?? "",
    once: f.once,
    json: f.json,
    color: f.color,
  };
}
