/**
 * @module harness/watch/command
 * `xks-harness watch`: polls a proxy as KMS does and serves KMS's external key store metrics to Prometheus;
 * logs each change of state (healthy, degraded, failing; harness/watch/state.ts). Runs until SIGINT/SIGTERM
 * (exit 0); with --once, one round: exit 0 healthy, 1 not. Exit 2 bad usage (a port in use included).
 */
import type { Command } from "commander";
import { integerOption } from "../../src/cli-options.js";
import { connectionFlags } from "../common/connection-flags.js";
import type { WatchFlags } from "./options.js";

const WATCH_DEFAULTS = { intervalS: 30, metricsPort: 9464, metricsHost: "127.0.0.1" } as const;

/** Declares `watch` on `program`; its action hands the exit code to `exit`. */
export function registerWatch(program: Command, exit: (code: number) => void): void {
  connectionFlags(program.command("watch").description("poll a proxy as KMS does; serve KMS's external key store metrics to Prometheus; log state changes"), undefined, {
    keyId: "external key id: also GetKeyMetadata and an encrypt → decrypt round trip each round (repeatable)",
  })
    .option("--interval <s>", "seconds between rounds", integerOption(1, 86_400), WATCH_DEFAULTS.intervalS)
    .option("--metrics-port <port>", "port of the Prometheus endpoint GET /metrics (0: any free port)", integerOption(0, 65_535), WATCH_DEFAULTS.metricsPort)
    .option("--metrics-host <host>", "address the metrics endpoint listens on", WATCH_DEFAULTS.metricsHost)
    .option("--custom-key-store-id <id>", "the store these settings belong to: the custom_key_store_id label of every series")
    .option("--once", "run one round and exit: 0 healthy, 1 degraded or failing (no metrics endpoint)", false)
    .option("--json", "log JSON lines instead of text", false)
    .option("--no-color", "no colour in the log")
    .action(async (flags: WatchFlags) => exit(await watchCommand(flags, process.env)));
}

async function watchCommand(flags: WatchFlags, env: NodeJS.ProcessEnv): Promise<number> {
  // Loaded here, not at the top, so `--help` does not load the client, prom-client and the schemas (see harness/cli.ts).
  const [{ toWatchOptions }, { runWatch }] = await Promise.all([import("./options.js"), import("./run-watch.js")]);
  const o = await toWatchOptions(flags, env);
  return runWatch(o, { stdout: process.stdout, stderr: process.stderr });
}
