/**
 * @module harness/check/command
 * `xks-harness check`: flags → CheckOptions → the checks → a table, `--json` or JUnit. Exit 0 pass, 1 a check
 * failed, 2 bad usage or input that UpdateCustomKeyStore would refuse (the input check).
 */
import type { Command } from "commander";
import { connectionFlags } from "../common/connection-flags.js";
import { vpcFlags } from "../common/vpc-flags.js";
import { assertReportPaths, reportFlags, writeReport, type ReportFlagValues } from "../common/report-flags.js";
import { EXIT, UsageError } from "../common/usage-error.js";
import { colorWanted, painter } from "../report/style.js";
import type { CheckFlags } from "./options.js";
import type { TerraformPlanFlags } from "./terraform/command.js";

/** Declares `check` on `program`; its action hands the exit code to `exit`. */
export function registerCheck(program: Command, exit: (code: number) => void): void {
  const cmd = connectionFlags(program.command("check").description("prove new XKS settings before UpdateCustomKeyStore"));
  vpcFlags(cmd, ["connectivity", "vpcEndpointServiceName", "vpcEndpointServiceOwner", "ec2Endpoint", "profile"], { connectivityDefault: "PUBLIC_ENDPOINT" })
    .option("--current-endpoint <url>", "endpoint in force now (default: --endpoint)")
    .option("--current-path <path>", "path in force now (default: --path)")
    .option("--current-access-key-id <id>", "access key id in force now (secret: $XKS_CURRENT_SECRET_ACCESS_KEY)")
    .option("--current-secret-file <file>", "file holding the current secret")
    .option("--snapshot <file>", "decrypt the probes of `xks-harness snapshot` with the new settings")
    .option("--terraform-plan <file>", "check every key store a plan changes: `terraform show -json tfplan` output, - for stdin (docs/terraform.md)")
    .option("--terraform-lock <file>", "with --terraform-plan: the .terraform.lock.hcl pinning the provider (default: ./.terraform.lock.hcl if present)")
    .option("--allow-unknown", "with --terraform-plan: values known only after apply do not fail the run", false)
    .option("--kms-endpoint <url>", "with --terraform-plan: KMS endpoint to read the stores' state from (e.g. http://127.0.0.1:4599); default: AWS")
    .option("--markdown <file>", "with --terraform-plan: also write a Markdown summary (pull-request comment, $GITHUB_STEP_SUMMARY)");
  reportFlags(cmd, undefined, { json: "print the report as JSON (schema: docs/check-report.md)" })
    .option("--verbose", "print the canonical request and string to sign (never the secret)", false)
    .action(async (flags: CheckFlags & ReportFlagValues & TerraformPlanFlags) => exit(await checkCommand(flags, process.env)));
}

async function checkCommand(flags: CheckFlags & ReportFlagValues & TerraformPlanFlags, env: NodeJS.ProcessEnv): Promise<number> {
  if (flags.terraformPlan !== undefined) return (await import("./terraform/command.js")).terraformPlanCommand(flags, env);
  const planOnly = (["terraformLock", "kmsEndpoint", "markdown"] as const).filter((k) => flags[k] !== undefined);
  if (planOnly.length || flags.allowUnknown) throw new UsageError("--terraform-lock, --allow-unknown, --kms-endpoint and --markdown need --terraform-plan. Fix: add --terraform-plan FILE or drop them");
  // Usage problems of output files too come before the first packet.
  assertReportPaths(flags);
  // Loaded here, not at the top, so `--help` does not load the client, the SDK and the schemas (see harness/cli.ts).
  const [{ toCheckOptions, unusedCurrentSecretNote }, { toCheckJunit, toHuman, toJson }, { runCheck }, { readSnapshot }] = await Promise.all([
    import("./options.js"),
    import("./report.js"),
    import("./run-check.js"),
    import("./snapshot.js"),
  ]);
  const options = toCheckOptions(flags, env, flags.snapshot ? readSnapshot(flags.snapshot) : undefined);
  const note = unusedCurrentSecretNote("check", flags, env);
  if (note) process.stderr.write(`xks-harness check: ${note}\n`);
  const report = await runCheck(options);
  process.stdout.write(flags.json ? toJson(report, options) : toHuman(report, options, painter(colorWanted(process.stdout, !flags.color))));
  if (flags.junit) writeReport("junit", flags.junit, toCheckJunit(report));
  if (flags.html) {
    const { checkHtml } = await import("../report/html-check.js");
    // Named fields only: the settings also hold the secret.
    const { endpoint, path, accessKeyId } = options.settings;
    writeReport("html", flags.html, checkHtml(report, { endpoint, path, accessKeyId, region: options.region, connectivity: options.connectivity, keyIds: options.keyIds }));
  }
  const inputFailed = report.checks[0]?.status === "fail";
  return inputFailed ? EXIT.usage : report.verdict === "pass" ? EXIT.pass : EXIT.fail;
}
