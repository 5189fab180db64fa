#!/usr/bin/env node
/**
 * @module harness/cli
 * `xks-harness`: `check` (preflight of new XKS settings before UpdateCustomKeyStore), `snapshot` (probe
 * ciphertexts for a later continuity check), `conformance` (strict spec suite), `update` (the gated
 * UpdateCustomKeyStore), `load` (capacity at KMS's rates) and `watch` (KMS's metrics in Prometheus).
 * Exit 0 pass, 1 failed or refused, 2 bad usage or invalid input.
 */
import { Command } from "commander";
import { versionLine } from "../src/package-version.js";
import { registerCheck } from "./check/command.js";
import { registerSnapshot } from "./check/snapshot-command.js";
import { EXIT, UsageError } from "./common/usage-error.js";
import { registerConformance } from "./conformance/command.js";
import { registerLoad } from "./load/command.js";
import { registerUpdate } from "./update/command.js";
import { registerWatch } from "./watch/command.js";
import { errorWords } from "../src/error-words.js";
import { ReportWriteError } from "./common/report-flags.js";

// Node 20.18+ is still supported (see README, "Supported Node versions"): the SDK's notice about its coming Node 22 floor is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const program = new Command()
  .name("xks-harness")
  .description("Preflight and conformance harness for AWS KMS external key store (XKS) proxies")
  .version(versionLine(), "-V, --version", "print the version (package, Node, XKS Proxy API) and exit")
  .exitOverride();
program.configureOutput({ writeErr: (s) => process.stderr.write(s) });

let exitCode: number = EXIT.usage;
const setExitCode = (code: number) => void (exitCode = code);
registerCheck(program, setExitCode);
registerSnapshot(program, setExitCode);
registerConformance(program, setExitCode);
registerUpdate(program, setExitCode);
registerLoad(program, setExitCode);
registerWatch(program, setExitCode);

try {
  await program.parseAsync();
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`xks-harness: ${err.message}\n`);
    exitCode = EXIT.usage;
  } else if ((err as { code?: string }).code?.startsWith("commander.")) {
    const code = (err as { code: string }).code;
    exitCode = code === "commander.helpDisplayed" || code === "commander.version" ? EXIT.pass : EXIT.usage;
  } else if (err instanceof ReportWriteError) {
    // Written for the user already: which report, which file, why.
    process.stderr.write(`xks-harness: ${err.message}\n`);
    exitCode = EXIT.fail;
  } else {
    // Our own errors are written for the user; a library's error that escaped is put in words (src/error-words.ts).
    const words = errorWords(err);
    process.stderr.write(`xks-harness: ${words ? `${words.cause}. Fix: ${words.fix}` : (err as Error).message}\n`);
    exitCode = EXIT.fail;
  }
}
process.exitCode = exitCode;
