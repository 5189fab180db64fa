#!/usr/bin/env node
/**
 * @module harness/cli
 * `xks-harness`: `check` (preflight of new XKS settings before UpdateCustomKeyStore), `snapshot` (probe
 * ciphertexts for a later continuity check), `conformance` (strict spec suite) and `update` (the gated
 * UpdateCustomKeyStore). Exit 0 pass, 1 failed or refused, 2 bad usage or invalid input.
 */
import { writeFileSync } from "node:fs";
import { Command, Option } from "commander";
import { integerOption } from "../src/cli-options.js";
import { packageVersion } from "../src/package-version.js";
import { toCheckOptions, unusedCurrentSecretNote, UsageError, type CheckFlags } from "./check/options.js";
import { outputPathProblem } from "./report/output-path.js";
import { toCheckJunit, toHuman, toJson } from "./check/report.js";
import { runCheck } from "./check/run-check.js";
import { readSnapshot, takeSnapshot, writeSnapshot } from "./check/snapshot.js";
import { inputProblems } from "./check/input.js";
import { baseUrl } from "./check/endpoint.js";
import { XksClient } from "./xks-client.js";
import { trustAnchors } from "../src/client/tls-pool.js";
import { colorWanted, painter } from "./report/style.js";
import { conformanceCommand, type ConformanceFlags } from "./conformance/command.js";
import { updateCommand, type UpdateFlags } from "./update/command.js";
import { XKS_CONNECTIVITIES } from "../src/xks/kms-rules.js";

// Node 20.18+ is still supported (see README, "Supported Node versions"): the SDK's notice about its coming Node 22 floor is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const EXIT = { pass: 0, fail: 1, usage: 2 } as const;


const collect = (value: string, previous: string[]) => [...previous, value];

/** Flags shared by check and snapshot: where the proxy is and how to sign. */
function connectionFlags(cmd: Command): Command {
  return cmd
    .option("--endpoint <url>", "XksProxyUriEndpoint, https://host (a :port only with --dev)")
    .option("--path <path>", "XksProxyUriPath, [/prefix]/kms/xks/v1")
    .option("--access-key-id <id>", "XksProxyAuthenticationCredential.AccessKeyId")
    .option("--secret-file <file>", "file holding RawSecretAccessKey (else $XKS_SECRET_ACCESS_KEY)")
    .option("--proxy-config <file>", "the KMS console's proxy configuration JSON (path + credential)")
    .option("--region <region>", "region of the key store (KMS signs with it)", "us-east-1")
    .option("--key-id <id>", "external key id (repeatable)", collect, [] as string[])
    .option("--ca <file>", "extra trust anchor, PEM (repeatable)", collect, [] as string[])
    .option("--dev", "local use: port, localhost/IP host and untrusted CA become warnings", false)
    .option("--timeout-ms <ms>", "bound on each network call, the whole answer included", integerOption(1, 60_000), 3000);
}

const program = new Command()
  .name("xks-harness")
  .description("Preflight and conformance harness for AWS KMS external key store (XKS) proxies")
  .version(packageVersion(), "-V, --version", "print the version and exit")
  .exitOverride();
program.configureOutput({ writeErr: (s) => process.stderr.write(s) });

let exitCode: number = EXIT.usage;

connectionFlags(program.command("check").description("prove new XKS settings before UpdateCustomKeyStore"))
  .addOption(new Option("--connectivity <type>", "XksProxyConnectivity").choices(XKS_CONNECTIVITIES).default("PUBLIC_ENDPOINT"))
  .option("--vpc-endpoint-service-name <name>", "XksProxyVpcEndpointServiceName (VPC_ENDPOINT_SERVICE)")
  .option("--current-endpoint <url>", "endpoint in force now (default: --endpoint)")
  .option("--current-path <path>", "path in force now (default: --path)")
  .option("--current-access-key-id <id>", "access key id in force now (secret: $XKS_CURRENT_SECRET_ACCESS_KEY)")
  .option("--current-secret-file <file>", "file holding the current secret")
  .option("--snapshot <file>", "decrypt the probes of `xks-harness snapshot` with the new settings")
  .option("--json", "print the report as JSON (schema: docs/check-report.md)", false)
  .option("--junit <file>", "also write a JUnit XML report")
  .option("--no-color", "no colour in the table")
  .option("--verbose", "print the canonical request and string to sign (never the secret)", false)
  .action(async (flags: CheckFlags & { json: boolean; junit?: string; color: boolean }) => {
    // Usage problems of output files too come before the first packet.
    const junitProblem = flags.junit ? outputPathProblem(flags.junit, "--junit") : undefined;
    if (junitProblem) throw new UsageError(junitProblem);
    const options = toCheckOptions(flags, process.env, flags.snapshot ? readSnapshot(flags.snapshot) : undefined);
    const note = unusedCurrentSecretNote("check", flags, process.env);
    if (note) process.stderr.write(`xks-harness check: ${note}\n`);
    const report = await runCheck(options);
    process.stdout.write(flags.json ? toJson(report, options) : toHuman(report, options, painter(colorWanted(process.stdout, !flags.color))));
    if (flags.junit) writeFileSync(flags.junit, toCheckJunit(report));
    const inputFailed = report.checks[0]?.status === "fail";
    exitCode = inputFailed ? EXIT.usage : report.verdict === "pass" ? EXIT.pass : EXIT.fail;
  });

connectionFlags(program.command("snapshot").description("encrypt probe ciphertexts with the CURRENT settings, for `check --snapshot` later"))
  .requiredOption("--out <file>", "where to write the snapshot (no secrets inside)")
  .action(async (flags: CheckFlags & { out: string }) => {
    const outProblem = outputPathProblem(flags.out, "--out");
    if (outProblem) throw new UsageError(outProblem);
    const options = toCheckOptions({ ...flags, connectivity: "PUBLIC_ENDPOINT", verbose: false }, process.env);
    const note = unusedCurrentSecretNote("snapshot", flags, process.env);
    if (note) process.stderr.write(`xks-harness snapshot: ${note}\n`);
    const errors = inputProblems(options).filter((p) => p.severity === "error");
    if (options.keyIds.length === 0) errors.push({ severity: "error", message: "give at least one --key-id to probe" });
    if (errors.length) throw new UsageError(errors.map((e) => e.message).join("\n"));
    const s = options.settings;
    const client = new XksClient(
      { baseUrl: baseUrl(s), region: options.region, credential: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } },
      { ca: trustAnchors(options.extraCa), timeoutMs: options.timeoutMs },
    );
    try {
      const { snapshot, errors: probeErrors } = await takeSnapshot(client, { endpoint: s.endpoint, path: s.path, accessKeyId: s.accessKeyId, region: options.region }, options.keyIds, options.timeoutMs);
      for (const e of probeErrors) process.stderr.write(`xks-harness snapshot: ${e}\n`);
      if (snapshot.probes.length === 0) {
        exitCode = EXIT.fail;
        return;
      }
      writeSnapshot(flags.out, snapshot);
      process.stdout.write(`wrote ${snapshot.probes.length} probe(s) for ${snapshot.probes.map((p) => p.keyId).join(", ")} to ${flags.out}\n`);
      exitCode = probeErrors.length ? EXIT.fail : EXIT.pass;
    } finally {
      await client.close();
    }
  });

connectionFlags(program.command("conformance").description("strict XKS Proxy API v1 conformance suite against a proxy (URL or container image)"))
  .option("--encrypt-only-key-id <id>", "a key with ENCRYPT only")
  .option("--decrypt-only-key-id <id>", "a key with DECRYPT only")
  .option("--impotent-key-id <id>", "a key with neither ENCRYPT nor DECRYPT")
  .option("--disabled-key-id <id>", "a DISABLED key")
  .option("--second-access-key-id <id>", "a second credential of the same path (secret: $XKS_SECOND_SECRET_ACCESS_KEY)")
  .option("--client-cert <file>", "mTLS client certificate, PEM")
  .option("--client-key <file>", "mTLS client key, PEM")
  .option("--client-ca-cert <file>", "CA that signs client certificates, to mint a wrong-subject one (dev only)")
  .option("--client-ca-key <file>", "its key")
  .option("--image <image>", "start this proxy image with testcontainers and test it")
  .option("--image-port <port>", "port the proxy listens on inside the container", integerOption(1, 65535), 443)
  .option("--image-env <K=V>", "environment variable for the container (repeatable)", collect, [] as string[])
  .option("--image-config <file>", "config file copied into the container (see --image-config-path)")
  .option("--image-config-path <path>", "where --image-config goes in the container", "/config/config.json")
  .option("--image-file <src:dest>", "file copied into the container (repeatable)", collect, [] as string[])
  .option("--image-ca-path <path>", "once the container answers, trust the CA file at this path in it (bundled mock: /app/certs/ca.pem)")
  .option("--json", "print the report as JSON", false)
  .option("--junit <file>", "also write a JUnit XML report")
  .option("--no-color", "no colour in the table")
  .option("--verbose", "show expected and actual for every case", false)
  .action(async (flags: ConformanceFlags) => {
    exitCode = await conformanceCommand(flags, process.env);
  });

program
  .command("update")
  .description("run UpdateCustomKeyStore only after every check passes, then verify the store")
  .option("--custom-key-store-id <id>", "the store to update")
  .option("--custom-key-store-name <name>", "the store to update, by name")
  .option("--endpoint <url>", "new XksProxyUriEndpoint (default: unchanged)")
  .option("--path <path>", "new XksProxyUriPath (default: unchanged)")
  .option("--access-key-id <id>", "new AccessKeyId (default: unchanged); the secret always from $XKS_SECRET_ACCESS_KEY or --secret-file")
  .option("--secret-file <file>", "file holding RawSecretAccessKey")
  .option("--proxy-config <file>", "the KMS console's proxy configuration JSON (path + credential)")
  .option("--continuity", "also prove key continuity with the store's current credential (secret: $XKS_CURRENT_SECRET_ACCESS_KEY)", false)
  .option("--current-secret-file <file>", "file holding the store's current secret (implies --continuity)")
  .addOption(new Option("--connectivity <type>", "new XksProxyConnectivity").choices(XKS_CONNECTIVITIES))
  .option("--vpc-endpoint-service-name <name>", "new XksProxyVpcEndpointServiceName")
  .option("--new-name <name>", "new custom key store name")
  .option("--kms-endpoint <url>", "KMS endpoint (e.g. the local KMS http://127.0.0.1:4599); default: AWS")
  .option("--region <region>", "region of the key store", "us-east-1")
  .option("--profile <name>", "AWS profile (standard credential chain otherwise)")
  .option("--key-id <id>", "external key to check (repeatable)", collect, [] as string[])
  .option("--ca <file>", "extra trust anchor for the proxy, PEM (repeatable)", collect, [] as string[])
  .option("--dev", "local use: port, localhost and untrusted CA become warnings in the checks", false)
  .option("--timeout-ms <ms>", "bound on each network call of the checks, the whole answer included", integerOption(1, 60_000), 3000)
  .option("--dry-run", "check and print the plan; send nothing", false)
  .option("--yes", "do not ask for confirmation", false)
  .option("--allow-disconnect", "when a field needs DISCONNECTED: Disconnect → Update → Connect", false)
  .option("--connect-timeout <seconds>", "how long to wait for CONNECTED after Connect", integerOption(1, 3600), 120)
  .option("--json", "print the report as JSON", false)
  .option("--no-color", "no colour")
  .action(async (flags: UpdateFlags) => {
    exitCode = await updateCommand(flags, process.env);
  });

try {
  await program.parseAsync();
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`xks-harness: ${err.message}\n`);
    exitCode = EXIT.usage;
  } else if ((err as { code?: string }).code?.startsWith("commander.")) {
    const code = (err as { code: string }).code;
    exitCode = code === "commander.helpDisplayed" || code === "commander.version" ? EXIT.pass : EXIT.usage;
  } else {
    process.stderr.write(`xks-harness: ${(err as Error).message}\n`);
    exitCode = EXIT.fail;
  }
}
process.exitCode = exitCode;
