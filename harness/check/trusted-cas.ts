/**
 * @module harness/check/trusted-cas
 * SHA-256 fingerprints of the root CAs KMS trusts for a proxy's certificate (spec's TrustedCertificateAuthorities),
 * shipped as data in harness/data/.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../src/package-root.js";

export interface TrustedCa {
  sha256: string;
  alias: string;
  subject: string;
}

let cache: Map<string, TrustedCa> | undefined;

/** Fingerprint (lowercase hex, no colons) → CA. */
export function kmsTrustedCas(): ReadonlyMap<string, TrustedCa> {
  if (cache) return cache;
  const text = readFileSync(join(packageRoot(), "harness", "data", "kms-trusted-ca-fingerprints.tsv"), "utf8");
  cache = new Map();
  for (const line of text.split("\n").slice(1)) {
    const [sha256, alias, subject] = line.split("\t");
    if (sha256 && alias) cache.set(sha256.toLowerCase(), { sha256: sha256.toLowerCase(), alias, subject: subject ?? "" });
  }
  return cache;
}

/** Node prints fingerprints as "AB:CD:..." */
export function normalizeFingerprint(fp: string): string {
  return fp.replace(/:/g, "").toLowerCase();
}
