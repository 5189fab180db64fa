/**
 * @module harness/conformance/command
 * `xks-harness conformance`: flags → target (optionally a container started for the run) → suite → report.
 * Exit 0 when no MUST case failed, 1 otherwise, 2 bad usage.
 */
import type { Command } from "commander";
import { integerOption } from "../../src/cli-options.js";
import { collect, connectionFlags } from "../common/connection-flags.js";
import { assertReportPaths, reportFlags, writeReport } from "../common/report-flags.js";
import { EXIT, UsageError } from "../common/usage-error.js";
import { colorWanted, painter } from "../report/style.js";
import type { ConformanceFlags } from "./flags.js";
import type { ConformanceTarget } from "./types.js";

/** Declares `conformance` on `program`; its action hands the exit code to `exit`. */
export function registerConformance(program: Command, exit: (code: number) => void): void {
  const cmd = connectionFlags(program.command("conformance").description("strict XKS Proxy API v1 conformance suite against a proxy (URL or container image)"))
    .option("--encrypt-only-key-id <id>", "a key with ENCRYPT only")
    .option("--decrypt-only-key-id <id>", "a key with DECRYPT only")
    .option("--impotent-key-id <id>", "a key with neither ENCRYPT nor DECRYPT")
    .option("--disabled-key-id <id>", "a DISABLED key")
    .option("--second-access-key-id <id>", "a second credential of the same path (secret: $XKS_SECOND_SECRET_ACCESS_KEY)")
    .option("--client-ca-cert <file>", "CA that signs client certificates, to mint a wrong-subject one (dev only)")
    .option("--client-ca-key <file>", "its key")
    .option("--image <image>", "start this proxy image with testcontainers and test it")
    .option("--image-port <port>", "port the proxy listens on inside the container", integerOption(1, 65535), 443)
    .option("--image-env <K=V>", "environment variable for the container (repeatable)", collect, [] as string[])
    .option("--image-config <file>", "config file copied into the container (see --image-config-path)")
    .option("--image-config-path <path>", "where --image-config goes in the container", "/config/config.json")
    .option("--image-file <src:dest>", "file copied into the container (repeatable)", collect, [] as string[])
    .option("--image-ca-path <path>", "once the container answers, trust the CA file at this path in it (bundled mock: /app/certs/ca.pem)");
  reportFlags(cmd)
    .option("--verbose", "show expected and actual for every case", false)
    .action(async (flags: ConformanceFlags) => exit(await conformanceCommand(flags, process.env)));
}

async function conformanceCommand(f: ConformanceFlags, env: NodeJS.ProcessEnv): Promise<number> {
  // Every usage problem, output paths included, comes before the first packet and before a container starts.
  assertReportPaths(f);
  // Loaded here, not at the top, so `--help` does not load the schemas and the PKI code (see harness/cli.ts).
  const { toTarget } = await import("./target.js");
  if (f.image) {
    // The endpoint is known once the container is up; everything else is resolved (and refused) now.
    const target = toTarget(f, env, "https://localhost");
    const { runAgainstImage } = await import("./container.js");
    return runAgainstImage(f, env, ({ endpoint, extraCa }) =>
      runAndReport({ ...target, settings: { ...target.settings, endpoint }, extraCa: [...target.extraCa, ...extraCa], image: { name: f.image!, caPath: f.imageCaPath } }, f),
    );
  }
  if (f.imageCaPath !== undefined) throw new UsageError("--image-ca-path goes with --image (with --endpoint, give the CA with --ca)");
  if (!f.endpoint) throw new UsageError("give --endpoint (or --image)");
  return runAndReport(toTarget(f, env), f);
}

async function runAndReport(target: ConformanceTarget, f: ConformanceFlags): Promise<number> {
  const [{ conformanceHuman, conformanceJson, conformanceJunit }, { runConformance }] = await Promise.all([import("./report.js"), import("./run-conformance.js")]);
  const report = await runConformance(target);
  process.stdout.write(f.json ? conformanceJson(report, target) : conformanceHuman(report, target, painter(colorWanted(process.stdout, !f.color)), f.verbose));
  if (f.junit) writeReport("junit", f.junit, conformanceJunit(report));
  if (f.html) writeReport("html", f.html, (await import("../report/html-conformance.js")).conformanceHtml(report, target));
  return report.ok ? EXIT.pass : EXIT.fail;
}
