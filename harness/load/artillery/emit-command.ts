/**
 * @module harness/load/artillery/emit-command
 * The `--emit-artillery DIR` branch of `xks-harness load`: the load flags checked as for a run, then the files
 * written and the commands to run them printed. Exit 0 written, 2 bad usage (nothing is sent, so never 1).
 */
import { SECRET_ENV } from "../../common/settings.js";
import { EXIT, UsageError } from "../../common/usage-error.js";
import { toLoadOptions, type LoadFlags } from "../options.js";
import { emitArtillery, emittedText } from "./emit.js";

export async function emitArtilleryCommand(flags: LoadFlags, env: NodeJS.ProcessEnv): Promise<number> {
  for (const [given, flag] of [[flags.maxRequests, "--max-requests"], [flags.junit, "--junit"], [flags.html, "--html"]] as const) {
    if (given !== undefined) throw new UsageError(`${flag} does not go with --emit-artillery: Artillery bounds and reports its own run. Fix: drop ${flag} (artillery run --output report.json keeps the report)`);
  }
  // The secret is not needed to write the files (the processor reads it at run time): an empty stand-in lets the
  // settings resolve without one, and it is never written.
  const o = toLoadOptions(flags, { ...env, [SECRET_ENV]: env[SECRET_ENV] ?? "" });
  const emitted = emitArtillery(flags.emitArtillery!, o, flags.ca, { cert: flags.clientCert, key: flags.clientKey });
  process.stdout.write(o.json ? `${JSON.stringify(emitted, null, 2)}\n` : emittedText(emitted, o));
  return EXIT.pass;
}
