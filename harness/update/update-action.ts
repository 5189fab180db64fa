/**
 * @module harness/update/update-action
 * What `xks-harness update` does once its flags parsed (declared in command.ts): checks, the plan, the
 * confirmation, the calls and the report for people or `--json`.
 */
import { createInterface } from "node:readline/promises";
import { assertReportPaths, ReportWriteError, writeReport } from "../common/report-flags.js";
import { toHuman } from "../check/report.js";
import { readCaFiles, readClientCertificate, readSecretFile } from "../common/read-files.js";
import { CURRENT_SECRET_ENV, SECRET_ENV, settingsGiven } from "../common/settings.js";
import { EXIT, UsageError } from "../common/usage-error.js";
import { painter, colorWanted } from "../report/style.js";
import { NEW_SECRET_PLACEHOLDER, planLines, rollbackLines, type AwsCliTarget } from "./aws-cli.js";
import { createKmsClient } from "./kms-client.js";
import { assertProfileExists } from "../common/aws-credentials.js";
import { checkEc2Endpoint } from "../common/vpc-flags.js";
import type { UpdateFlags, UpdateIo } from "./command.js";
import type { StoreSnapshot, UpdatePlan } from "./plan.js";
import { runUpdate, type UpdateEvidence, type UpdateReport } from "./run-update.js";
import { settlingLines } from "./settle.js";
import { XKS_CONNECTIVITIES, isXksConnectivity } from "../../src/xks/kms-rules.js";
import { awsCallFailure } from "../common/aws-call-error.js";

const CONTINUITY_HOW = `give --continuity with ${CURRENT_SECRET_ENV} set to the store's current secret (or --current-secret-file) and --key-id`;

/**
 * The store's current secret, for the continuity check. Only a flag turns that check on: the rotation steps export
 * XKS_CURRENT_SECRET_ACCESS_KEY, and a variable left in a shell must not change what a later run does.
 */
function currentSecretFor(f: UpdateFlags, env: NodeJS.ProcessEnv, note: (line: string) => void): string | undefined {
  if (f.currentSecretFile) return readSecretFile(f.currentSecretFile, "--current-secret-file");
  if (!f.continuity) {
    if (env[CURRENT_SECRET_ENV] !== undefined) note(`note: ${CURRENT_SECRET_ENV} is set but not used: give --continuity to prove key continuity with it`);
    return undefined;
  }
  const secret = env[CURRENT_SECRET_ENV];
  if (secret === undefined) throw new UsageError(`--continuity needs the store's current secret: set ${CURRENT_SECRET_ENV} or give --current-secret-file`);
  return secret;
}

function planText(plan: Omit<UpdatePlan, "updateInput">, before: StoreSnapshot, aws: AwsCliTarget): string {
  const lines = [`plan for ${before.id} (${before.name}, ${before.state}):`, ...plan.changes.map((c) => `  change ${c}`)];
  lines.push(plan.keysUnavailable ? "  KMS keys in this store are UNUSABLE from the Disconnect until the Connect succeeds" : "  KMS keys in this store stay usable throughout");
  lines.push(`  calls, as aws CLI commands (update sends the secret itself; ${NEW_SECRET_PLACEHOLDER} stands for it here):`);
  for (const line of planLines(plan, aws)) lines.push(`    ${line}`);
  lines.push("  rollback, once it has run (KMS never shows a secret: fill in the previous one):");
  for (const line of rollbackLines(before, plan, aws)) lines.push(`    ${line}`);
  return lines.join("\n");
}

/** The checks, the verdict and the plan: everything a person needs before saying yes. */
function evidenceText(e: Pick<UpdateEvidence, "check" | "target" | "plan" | "before">, f: UpdateFlags, aws: AwsCliTarget, paint: ReturnType<typeof painter>): string {
  const table = toHuman(e.check, { settings: e.target, region: f.region }, paint, { continuityHow: CONTINUITY_HOW }).trimEnd();
  return `${table}\n\n${planText(e.plan, e.before, aws)}\n`;
}

function confirmOn(io: UpdateIo): () => Promise<boolean> {
  return async () => {
    const rl = createInterface({ input: io.stdin, output: io.stdout });
    try {
      const answer = await rl.question("apply this change? type yes to go ahead: ");
      return answer.trim().toLowerCase() === "yes";
    } finally {
      rl.close();
    }
  };
}

export async function updateCommand(f: UpdateFlags, env: NodeJS.ProcessEnv, io: UpdateIo = { stdin: process.stdin, stdout: process.stdout }): Promise<number> {
  if (!f.customKeyStoreId === !f.customKeyStoreName) throw new UsageError("give exactly one of --custom-key-store-id and --custom-key-store-name");
  const given = settingsGiven(f, env);
  const secret = given.secretAccessKey;
  if (secret === undefined) throw new UsageError(`the proxy secret is needed, also when only the path changes: KMS takes the credential whole (${SECRET_ENV}, --secret-file or --proxy-config)`);
  if (f.connectivity && !isXksConnectivity(f.connectivity)) throw new UsageError(`--connectivity must be ${XKS_CONNECTIVITIES.join(" or ")}`);
  const interactive = !f.yes && !f.dryRun;
  if (interactive && !io.stdin.isTTY) throw new UsageError("standard input is not a terminal, so the plan cannot be confirmed: review it with --dry-run, then pass --yes");
  assertReportPaths(f);
  const extraCa = readCaFiles(f.ca);
  const clientCert = readClientCertificate(f.clientCert, f.clientKey);
  const currentSecret = currentSecretFor(f, env, (line) => process.stderr.write(`xks-harness update: ${line}\n`));
  if (f.profile) assertProfileExists(f.profile, env);
  const ec2Endpoint = checkEc2Endpoint(f.ec2Endpoint);
  const kms = createKmsClient({ region: f.region, endpoint: f.kmsEndpoint, profile: f.profile }, env);
  const paint = painter(io.stdout === process.stdout && colorWanted(process.stdout, !f.color));
  const aws: AwsCliTarget = { region: f.region, endpointUrl: f.kmsEndpoint, profile: f.profile };
  const write = (text: string) => void io.stdout.write(text);
  let evidenceShown = false;
  try {
    const report = await runUpdate({
      kms,
      store: { id: f.customKeyStoreId, name: f.customKeyStoreName },
      wanted: {
        endpoint: given.endpoint,
        path: given.path,
        accessKeyId: given.accessKeyId,
        secretAccessKey: secret,
        connectivity: f.connectivity,
        vpcEndpointServiceName: f.vpcEndpointServiceName,
        vpcEndpointServiceOwner: f.vpcEndpointServiceOwner,
        newName: f.newName,
      },
      check: { region: f.region, keyIds: f.keyId, extraCa, clientCert, dev: f.dev, timeoutMs: f.timeoutMs, verbose: false, ec2: { endpoint: ec2Endpoint, profile: f.profile, env } },
      currentSecret,
      dryRun: f.dryRun,
      allowDisconnect: f.allowDisconnect,
      connectTimeoutMs: f.connectTimeout * 1000,
      ...(interactive ? { confirm: confirmOn(io) } : {}),
      kmsEndpoint: f.kmsEndpoint,
      profile: f.profile,
      ...(f.json
        ? {}
        : {
            progress: (line: string) => write(`${line}\n`),
            // Evidence first: the checks, the verdict and the plan come before the question and before any call.
            review: (e: UpdateEvidence) => {
              write(evidenceText(e, f, aws, paint));
              evidenceShown = true;
            },
          }),
    });
    write(f.json ? `${JSON.stringify(toJson(report, aws), null, 2)}\n` : humanReport(report, f, aws, paint, evidenceShown));
    if (f.html) {
      const { updateHtml } = await import("../report/html-update.js");
      const plan = report.plan ? planLines(report.plan, aws) : [];
      const rollback = report.plan && report.before ? rollbackLines(report.before, report.plan, aws) : [];
      writeReport("html", f.html, updateHtml({ report, region: f.region, planLines: plan, rollbackLines: rollback }));
    }
    // Invalid input is bad usage (2), as for `check`; other refusals and failures are 1.
    if (report.check?.checks.find((c) => c.id === "input")?.status === "fail") return EXIT.usage;
    return report.outcome === "updated" || report.outcome === "dry-run" ? EXIT.pass : EXIT.fail;
  } catch (err) {
    const e = err as { name?: string; message?: string };
    if (e.name === "CustomKeyStoreNotFoundException") {
      const which = f.customKeyStoreId ? `--custom-key-store-id ${f.customKeyStoreId}` : `--custom-key-store-name ${f.customKeyStoreName}`;
      throw new UsageError(`no custom key store ${which} in ${f.region}${f.kmsEndpoint ? ` at ${f.kmsEndpoint}` : ""}. Fix: check the id or name (aws kms describe-custom-key-stores lists them), the region and the account`);
    }
    if (err instanceof UsageError || err instanceof ReportWriteError) throw err;
    throw new Error(awsCallFailure(err, { service: "KMS", flag: "--kms-endpoint", endpoint: f.kmsEndpoint, region: f.region }));
  } finally {
    kms.destroy();
  }
}

function humanReport(r: UpdateReport, f: UpdateFlags, aws: AwsCliTarget, paint: ReturnType<typeof painter>, evidenceShown: boolean): string {
  const out: string[] = [];
  if (!evidenceShown) {
    // Refused before the review point: show what there is.
    if (r.check && r.target) out.push(toHuman(r.check, { settings: r.target, region: f.region }, paint, { continuityHow: CONTINUITY_HOW }).trimEnd());
    if (r.plan && r.before) out.push(planText(r.plan, r.before, aws));
  }
  const color = r.outcome === "updated" || r.outcome === "dry-run" ? "green" : "red";
  out.push(paint(["bold", color], `update: ${r.outcome.toUpperCase()}`) + ` — ${r.message}`);
  if (r.outcome === "failed" && r.rollback) out.push(`rollback: ${r.rollback}`);
  if (r.settling) out.push(...settlingLines(r.settling));
  return `${out.join("\n")}\n`;
}

function toJson(r: UpdateReport, aws: AwsCliTarget) {
  const commands = r.plan ? planLines(r.plan, aws) : [];
  return {
    schemaVersion: 1,
    tool: "xks-harness update",
    outcome: r.outcome,
    message: r.message,
    before: r.before ?? null,
    plan: r.plan ? { changes: r.plan.changes, calls: r.plan.calls.map((c, i) => ({ ...c, command: commands[i] })), needsDisconnect: r.plan.needsDisconnect, keysUnavailable: r.plan.keysUnavailable, refusal: r.plan.refusal ?? null } : null,
    check: r.check ? { verdict: r.check.verdict, predictedException: r.check.predictedException, predictedConnectionErrorCode: r.check.predictedConnectionErrorCode, checks: r.check.checks.map((c) => ({ id: c.id, status: c.status, detail: c.detail, fix: c.fix ?? null })) } : null,
    after: r.after ?? null,
    rollback: r.rollback ?? null,
    // After an applied update: when the old credential may leave the proxy (null when the id did not change).
    oldCredentialKeepUntil: r.settling?.oldCredentialKeepUntil ?? null,
    settling: r.settling ? { ...r.settling, lines: settlingLines(r.settling) } : null,
  };
}
