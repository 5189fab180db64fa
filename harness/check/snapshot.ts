/**
 * @module harness/check/snapshot
 * `xks-harness snapshot`: probe ciphertexts made now with the current settings, to be decrypted later with the new
 * ones (`check --snapshot`) when both cannot be reached at once (e.g. moving a proxy). Holds no secret: the access
 * key id, ciphertexts and SHA-256 digests of random probe plaintexts.
 */
import { renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { describeIssues } from "../../src/xks/schemas.js";
import { readText } from "../common/read-files.js";
import { UsageError } from "../common/usage-error.js";
import { encryptProbe, type Probe } from "./probe.js";
import type { XksClient } from "../../src/client/index.js";

const SNAPSHOT_VERSION = 1;

const ProbeSchema = z.object({
  keyId: z.string().min(1),
  ciphertext: z.string(),
  initializationVector: z.string(),
  authenticationTag: z.string(),
  ciphertextMetadata: z.string().optional(),
  additionalAuthenticatedData: z.string(),
  plaintextSha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const SnapshotSchema = z.object({
  schemaVersion: z.literal(SNAPSHOT_VERSION),
  createdAt: z.string(),
  endpoint: z.string(),
  path: z.string(),
  accessKeyId: z.string(),
  region: z.string(),
  probes: z.array(ProbeSchema).min(1),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export async function takeSnapshot(
  client: XksClient,
  where: { endpoint: string; path: string; accessKeyId: string; region: string },
  keyIds: string[],
  timeoutMs: number,
): Promise<{ snapshot: Snapshot; errors: string[] }> {
  const probes: Probe[] = [];
  const errors: string[] = [];
  for (const keyId of keyIds) {
    const r = await encryptProbe(client, keyId, timeoutMs);
    if (r.ok) probes.push(r.value);
    else errors.push(`${keyId}: ${r.detail}`);
  }
  return { snapshot: { schemaVersion: SNAPSHOT_VERSION, createdAt: new Date().toISOString(), ...where, probes }, errors };
}

export function writeSnapshot(file: string, snapshot: Snapshot): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(snapshot, null, 2)}\n`, { mode: 0o644 });
  renameSync(tmp, file);
}

/** The file of `check --snapshot`: unreadable, not JSON or not a snapshot is bad usage naming the flag. */
export function readSnapshot(file: string): Snapshot {
  const text = readText(file, "--snapshot");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new UsageError(`--snapshot ${file} is not JSON. Fix: give the file \`xks-harness snapshot --out\` wrote`);
  }
  const parsed = SnapshotSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`--snapshot ${file} is not an xks-harness snapshot: ${describeIssues(parsed.error)}. Fix: give the file \`xks-harness snapshot --out\` wrote`);
  return parsed.data;
}
