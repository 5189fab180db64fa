/**
 * @module harness/update/command
 * `xks-harness update`: flags → the gated update → a report for people or `--json`. Exit 0 updated and verified
 * (or a clean dry run), 1 refused or failed, 2 bad usage or invalid input (as `check`).
 */
import type { Command } from "commander";
import { integerOption } from "../../src/cli-options.js";
import { connectionFlags, type ConnectionFlagValues } from "../common/connection-flags.js";
import { reportFlags, type ReportFlagValues } from "../common/report-flags.js";
import { vpcFlags, type VpcFlagValues } from "../common/vpc-flags.js";

/** The flags of `update`: the connection flags (new values; unset ones stay as they are) and the update's own. */
export interface UpdateFlags extends ConnectionFlagValues, VpcFlagValues, Omit<ReportFlagValues, "junit"> {
  customKeyStoreId?: string;
  customKeyStoreName?: string;
  continuity?: boolean;
  currentSecretFile?: string;
  newName?: string;
  kmsEndpoint?: string;
  dryRun: boolean;
  yes: boolean;
  allowDisconnect: boolean;
  connectTimeout: number;
}

/** Where `update` reads the confirmation and writes its report: the process's terminal, or a test's streams. */
export interface UpdateIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Declares `update` on `program`; its action hands the exit code to `exit`. */
export function registerUpdate(program: Command, exit: (code: number) => void): void {
  const cmd = program
    .command("update")
    .description("run UpdateCustomKeyStore only after every check passes, then verify the store")
    .option("--custom-key-store-id <id>", "the store to update")
    .option("--custom-key-store-name <name>", "the store to update, by name");
  connectionFlags(cmd, ["endpoint", "path", "accessKeyId", "secretFile", "proxyConfig"], {
    endpoint: "new XksProxyUriEndpoint (default: unchanged)",
    path: "new XksProxyUriPath (default: unchanged)",
    accessKeyId: "new AccessKeyId (default: unchanged); the secret always from $XKS_SECRET_ACCESS_KEY or --secret-file",
    secretFile: "file holding RawSecretAccessKey",
  })
    .option("--continuity", "also prove key continuity with the store's current credential (secret: $XKS_CURRENT_SECRET_ACCESS_KEY)", false)
    .option("--current-secret-file <file>", "file holding the store's current secret (implies --continuity)");
  vpcFlags(cmd, ["connectivity", "vpcEndpointServiceName", "vpcEndpointServiceOwner"], {
    help: { connectivity: "new XksProxyConnectivity", vpcEndpointServiceName: "new XksProxyVpcEndpointServiceName", vpcEndpointServiceOwner: "new XksProxyVpcEndpointServiceOwner (12 digits; needs DISCONNECTED)" },
  })
    .option("--new-name <name>", "new custom key store name")
    .option("--kms-endpoint <url>", "KMS endpoint (e.g. the local KMS http://127.0.0.1:4599); default: AWS");
  vpcFlags(connectionFlags(cmd, ["region"], { region: "region of the key store" }), ["profile", "ec2Endpoint"]);
  connectionFlags(cmd, ["keyId", "ca", "clientCert", "clientKey", "dev", "timeoutMs"], {
    keyId: "external key to check (repeatable)",
    ca: "extra trust anchor for the proxy, PEM (repeatable)",
    dev: "local use: port, localhost and untrusted CA become warnings in the checks",
    timeoutMs: "bound on each network call of the checks, the whole answer included",
  })
    .option("--dry-run", "check and print the plan; send nothing", false)
    .option("--yes", "do not ask for confirmation", false)
    .option("--allow-disconnect", "when a field needs DISCONNECTED: Disconnect → Update → Connect", false)
    .option("--connect-timeout <seconds>", "how long to wait for CONNECTED after Connect", integerOption(1, 3600), 120);
  reportFlags(cmd, ["json", "html", "color"], { html: "also write a self-contained HTML report: plan, checks, outcome (no secret in it)", color: "no colour" })
    // The run loads here, not at the top, so `--help` does not load the SDK (see harness/cli.ts).
    .action(async (flags: UpdateFlags) => exit(await (await import("./update-action.js")).updateCommand(flags, process.env)));
}
