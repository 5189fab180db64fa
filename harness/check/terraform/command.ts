/**
 * @module harness/check/terraform/command
 * `xks-harness check --terraform-plan FILE`: the plan JSON → every external key store it changes, checked with
 * its planned values → table, --json, --junit, --html, --markdown. Exit 0 every store passes (warnings allowed),
 * 1 a store fails or is unknown (unless --allow-unknown), 2 bad usage or a file that is not a plan's JSON.
 */
import { writeFileSync } from "node:fs";
import { assertOutputPath } from "../../common/output-path.js";
import { readCaFiles, readClientCertificate } from "../../common/read-files.js";
import { assertProfileExists } from "../../common/aws-credentials.js";
import { checkEc2Endpoint } from "../../common/vpc-flags.js";
import { CURRENT_SECRET_ENV, SECRET_ENV } from "../../common/settings.js";
import { EXIT, UsageError } from "../../common/usage-error.js";
import { colorWanted, painter } from "../../report/style.js";
import type { CheckFlags } from "../options.js";
import type { ReportFlagValues } from "../../common/report-flags.js";
import { kmsAccessOf } from "./kms-stores.js";
import { parsePlan, readPlanText } from "./plan-file.js";
import { planToHtml } from "./plan-html.js";
import { planToMarkdown } from "./plan-markdown.js";
import { planToHuman, planToJson, planToJunit } from "./plan-report.js";
import { readLockedAws } from "./provider-traps.js";
import { redact, secretsIn } from "./redact.js";
import { runPlanCheck } from "./run-plan-check.js";

/** The flags `check` adds for a plan. */
export interface TerraformPlanFlags {
  terraformPlan?: string | undefined;
  terraformLock?: string | undefined;
  allowUnknown?: boolean | undefined;
  kmsEndpoint?: string | undefined;
  markdown?: string | undefined;
}

/** Flags of a single-target check that a plan replaces: given with --terraform-plan they are bad usage. */
const PLAN_GIVES: [keyof CheckFlags, string][] = [
  ["endpoint", "--endpoint"],
  ["path", "--path"],
  ["accessKeyId", "--access-key-id"],
  ["secretFile", "--secret-file"],
  ["proxyConfig", "--proxy-config"],
  ["vpcEndpointServiceName", "--vpc-endpoint-service-name"],
  ["vpcEndpointServiceOwner", "--vpc-endpoint-service-owner"],
  ["currentEndpoint", "--current-endpoint"],
  ["currentPath", "--current-path"],
  ["currentAccessKeyId", "--current-access-key-id"],
  ["currentSecretFile", "--current-secret-file"],
  ["snapshot", "--snapshot"],
];

/** --kms-endpoint: an http(s) URL with nothing after host and port. */
function checkKmsEndpoint(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return checkEc2Endpoint(value);
  } catch (err) {
    const message = (err as Error).message.replaceAll("--ec2-endpoint", "--kms-endpoint");
    throw new UsageError(message.replace("EC2 endpoint", "KMS endpoint").replace(/https:\/\/ec2\./, "https://kms."));
  }
}

type PlanCommandFlags = CheckFlags & ReportFlagValues & TerraformPlanFlags;

export async function terraformPlanCommand(flags: PlanCommandFlags, env: NodeJS.ProcessEnv): Promise<number> {
  let secrets: string[] = [];
  try {
    return await planCommand(flags, env, (found) => (secrets = found));
  } catch (err) {
    // An error's message is printed by harness/cli.ts: it too must not carry a secret of the plan.
    if (err instanceof Error && secrets.length) err.message = redact(err.message, secrets);
    throw err;
  }
}

async function planCommand(flags: PlanCommandFlags, env: NodeJS.ProcessEnv, found: (s: string[]) => void) {
  const file = flags.terraformPlan!;
  const given = PLAN_GIVES.filter(([k]) => flags[k] !== undefined).map(([, name]) => name);
  if (given.length) {
    const what = `${given.join(", ")} cannot be used with --terraform-plan: the plan gives each store's values`;
    throw new UsageError(`${what}. Fix: drop ${given.length > 1 ? "them" : "it"}`);
  }
  if (flags.verbose) throw new UsageError("--verbose cannot be used with --terraform-plan. Fix: drop it");
  assertOutputPath(flags.junit, "--junit");
  assertOutputPath(flags.html, "--html");
  assertOutputPath(flags.markdown, "--markdown");
  if (flags.profile) assertProfileExists(flags.profile, env);
  const kmsEndpoint = checkKmsEndpoint(flags.kmsEndpoint);
  const plan = parsePlan(readPlanText(file), file === "-" ? "(stdin)" : file);
  // Everything written from here on passes through redact: the reports take no secret, this makes sure.
  const secrets = secretsIn(plan.raw);
  found(secrets);
  for (const name of [SECRET_ENV, CURRENT_SECRET_ENV]) {
    if (!env[name]) continue;
    process.stderr.write(`xks-harness check: note: ${name} is set but not used with --terraform-plan: `
      + "each store's secret comes from the plan\n");
  }
  const provider = readLockedAws(flags.terraformLock);
  const report = await runPlanCheck({
    plan,
    shared: {
      extraCa: readCaFiles(flags.ca),
      clientCert: readClientCertificate(flags.clientCert, flags.clientKey),
      dev: flags.dev,
      timeoutMs: flags.timeoutMs,
      ec2: { endpoint: checkEc2Endpoint(flags.ec2Endpoint), profile: flags.profile, env },
    },
    region: flags.region,
    keyIds: flags.keyId,
    kms: kmsAccessOf({ kmsEndpoint, profile: flags.profile }, env),
    provider,
    allowUnknown: !!flags.allowUnknown,
    progress: flags.json ? undefined : (line) => process.stderr.write(`${redact(line, secrets)}\n`),
  });
  const name = file === "-" ? "(stdin)" : file;
  const paint = painter(colorWanted(process.stdout, !flags.color));
  const out = flags.json ? planToJson(report) : planToHuman(report, name, paint);
  process.stdout.write(redact(out, secrets));
  if (flags.junit) writeFileSync(flags.junit, redact(planToJunit(report), secrets));
  if (flags.html) writeFileSync(flags.html, redact(planToHtml(report, name), secrets));
  if (flags.markdown) writeFileSync(flags.markdown, redact(planToMarkdown(report, name), secrets));
  if (report.verdict === "fail") return EXIT.fail;
  if (report.verdict === "unknown" && !report.allowUnknown) return EXIT.fail;
  return EXIT.pass;
}
