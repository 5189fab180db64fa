/**
 * @module harness/check/snapshot-command
 * `xks-harness snapshot`: encrypts probe ciphertexts with the CURRENT settings and writes them (no secrets) for
 * a later `check --snapshot`. Exit 0 every key probed, 1 a probe failed, 2 bad usage.
 */
import type { Command } from "commander";
import { connectionFlags, type ConnectionFlagValues } from "../common/connection-flags.js";
import { vpcFlags, type VpcFlagValues } from "../common/vpc-flags.js";
import { assertOutputPath } from "../common/output-path.js";
import { EXIT, UsageError } from "../common/usage-error.js";

type SnapshotFlags = ConnectionFlagValues & VpcFlagValues & { connectivity: string; out: string };

/** Declares `snapshot` on `program`; its action hands the exit code to `exit`. */
export function registerSnapshot(program: Command, exit: (code: number) => void): void {
  const cmd = connectionFlags(program.command("snapshot").description("encrypt probe ciphertexts with the CURRENT settings, for `check --snapshot` later"));
  // The store's connectivity flags, so the same flags as `check` pass the same input rules; the probes go to --endpoint from here.
  vpcFlags(cmd, ["connectivity", "vpcEndpointServiceName", "vpcEndpointServiceOwner"], { connectivityDefault: "PUBLIC_ENDPOINT" })
    .requiredOption("--out <file>", "where to write the snapshot (no secrets inside)")
    .action(async (flags: SnapshotFlags) => exit(await snapshotCommand(flags, process.env)));
}

async function snapshotCommand(flags: SnapshotFlags, env: NodeJS.ProcessEnv): Promise<number> {
  assertOutputPath(flags.out, "--out");
  // Loaded here, not at the top, so `--help` does not load the client and the schemas (see harness/cli.ts).
  const [{ trustAnchors, XksClient, xksTarget }, { inputProblems }, { toCheckOptions, unusedCurrentSecretNote }, { takeSnapshot, writeSnapshot }] = await Promise.all([
    import("../../src/client/index.js"),
    import("./input.js"),
    import("./options.js"),
    import("./snapshot.js"),
  ]);
  const options = toCheckOptions({ ...flags, verbose: false }, env);
  const note = unusedCurrentSecretNote("snapshot", flags, env);
  if (note) process.stderr.write(`xks-harness snapshot: ${note}\n`);
  const errors = inputProblems(options).filter((p) => p.severity === "error");
  if (options.keyIds.length === 0) errors.push({ severity: "error", message: "give at least one --key-id to probe" });
  if (errors.length) throw new UsageError(errors.map((e) => e.message).join("\n"));
  const s = options.settings;
  const client = new XksClient(xksTarget(s, options.region), { ca: trustAnchors(options.extraCa), timeoutMs: options.timeoutMs, ...(options.clientCert ?? {}) });
  try {
    const { snapshot, errors: probeErrors } = await takeSnapshot(client, { endpoint: s.endpoint, path: s.path, accessKeyId: s.accessKeyId, region: options.region }, options.keyIds, options.timeoutMs);
    for (const e of probeErrors) process.stderr.write(`xks-harness snapshot: ${e}\n`);
    if (snapshot.probes.length === 0) return EXIT.fail;
    writeSnapshot(flags.out, snapshot);
    process.stdout.write(`wrote ${snapshot.probes.length} probe(s) for ${snapshot.probes.map((p) => p.keyId).join(", ")} to ${flags.out}\n`);
    return probeErrors.length ? EXIT.fail : EXIT.pass;
  } finally {
    await client.close();
  }
}
