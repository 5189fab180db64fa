/**
 * @module harness/load/command
 * `xks-harness load`: KMS-shaped load on a proxy, open loop, at --rate or rising to the highest rate that passes
 * (--find-max). Exit 0 pass, 1 a step failed (or the highest rate found is below KMS's quota), 2 bad usage,
 * 130 stopped by Ctrl-C (the report of what ran is still printed and written).
 */
import type { Command } from "commander";
import { connectionFlags } from "../common/connection-flags.js";
import { reportFlags, writeReport } from "../common/report-flags.js";
import { EXIT } from "../common/usage-error.js";
import { colorWanted, painter } from "../report/style.js";
import { DEFAULT_MIX, LOAD_DEFAULTS } from "./defaults.js";
import type { LoadFlags } from "./options.js";

type Flags = LoadFlags & { color: boolean };

/** After a Ctrl-C, what the report may take to be written beyond the calls in flight (--timeout-ms). */
const REPORT_AFTER_STOP_MS = 5000;

/** Declares `load` on `program`; its action hands the exit code to `exit`. */
export function registerLoad(program: Command, exit: (code: number) => void): void {
  const cmd = connectionFlags(program.command("load").description("KMS-shaped load on a proxy: latency, errors and capacity as KMS sees them"))
    .option("--rate <n>", "requests per second (default 1800, KMS's default quota)")
    .option("--duration <s>", "seconds per step", LOAD_DEFAULTS.duration)
    .option("--find-max", "step the rate up until a step fails; report the highest rate that passed", false)
    .option("--from <n>", "--find-max: first rate (default 600)")
    .option("--step <n>", "--find-max: increase per step (default 600)")
    .option("--to <n>", "--find-max: last rate (default 3600)")
    .option("--mix <weights>", "operation weights", DEFAULT_MIX)
    .option("--plaintext-bytes <n>", "plaintext size (32: a data key)", LOAD_DEFAULTS.plaintextBytes)
    .option("--aad-bytes <n>", "AAD size", LOAD_DEFAULTS.aadBytes)
    .option("--connections <n>", "upper bound on the keep-alive connection pool (default 32)")
    .option("--workers <n>", "worker threads sending the load, for rates one core cannot sign and send", LOAD_DEFAULTS.workers)
    .option("--p99-budget-ms <ms>", "p99 budget (KMS's timeout)", LOAD_DEFAULTS.p99BudgetMs)
    .option("--max-error-rate <x>", "highest share of failed calls that passes", LOAD_DEFAULTS.maxErrorRate)
    .option("--max-requests <n>", "bound on requests of the whole run")
    .option("--yes", "send to a non-loopback target without asking", false)
    .option("--emit-artillery <dir>", "send nothing: write an Artillery scenario and processor of this load into <dir>, for fleets");
  reportFlags(cmd)
    .action(async (flags: Flags) => exit(await loadCommand(flags, process.env)));
}

async function loadCommand(flags: Flags, env: NodeJS.ProcessEnv): Promise<number> {
  if (flags.emitArtillery !== undefined) return (await import("./artillery/emit-command.js")).emitArtilleryCommand(flags, env);
  // Loaded here, not at the top, so `--help` of other commands does not load the client and the histograms.
  const [options, { confirmTarget }, { runLoad }, reports, verdicts, progress] = await Promise.all([
    import("./options.js"),
    import("./safety.js"),
    import("./run-load.js"),
    import("./report.js"),
    import("./verdict.js"),
    import("./progress.js"),
  ]);
  const { loadVerdict, EXIT_STOPPED } = verdicts;
  const { toHuman, toJson, toLoadJunit } = reports;
  const o = options.toLoadOptions(flags, env);
  await confirmTarget(o.settings.endpoint, flags.dev, { maxRate: Math.max(...o.rates), durationS: o.durationS * o.rates.length, yes: o.yes });
  let stopped = false;
  const onSigint = () => {
    // A second Ctrl-C is the user insisting: leave at once.
    if (stopped) process.exit(EXIT_STOPPED);
    stopped = true;
    // The calls in flight end within --timeout-ms and the report is written; a stdout nobody reads (a pager left
    // at its prompt) would hold the exit for ever: leave regardless, with the verdict if there is one by then.
    setTimeout(() => process.exit(process.exitCode ?? EXIT_STOPPED), o.timeoutMs + REPORT_AFTER_STOP_MS).unref();
  };
  process.on("SIGINT", onSigint);
  // On a terminal, or every few seconds without one; never under --json.
  const printer = o.json ? undefined : new progress.ProgressPrinter(process.stderr, progress.progressIntervalMs(env));
  try {
    const report = await runLoad(o, { stopped: () => stopped, onProgress: printer && ((p) => printer.update(p)) });
    printer?.end();
    process.stdout.write(o.json ? toJson(report) : toHuman(report, painter(colorWanted(process.stdout, !flags.color))));
    if (o.junit) writeReport("junit", o.junit, toLoadJunit(report));
    // Also after a Ctrl-C: the page then says the run was stopped and shows what it measured.
    if (o.html) writeReport("html", o.html, (await import("../report/html-load.js")).loadHtml(report));
    const verdict = loadVerdict(report);
    return verdict === "stopped" ? EXIT_STOPPED : verdict === "pass" ? EXIT.pass : EXIT.fail;
  } finally {
    printer?.end();
    process.off("SIGINT", onSigint);
  }
}
