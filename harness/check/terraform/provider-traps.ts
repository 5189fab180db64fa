/**
 * @module harness/check/terraform/provider-traps
 * Apply-time traps of the provider by version, kept as data in one place, and the provider version read from
 * `.terraform.lock.hcl`. The table says which versions are fixed; a version not shown fixed is taken as affected.
 */
import { existsSync, readFileSync } from "node:fs";
import { UsageError } from "../../common/usage-error.js";

export interface ProviderTrap {
  id: string;
  /** The provider source, as the lock file names it (without its registry host). */
  provider: string;
  /** What sets the trap off in a plan. */
  trigger: "credential-update";
  /** The first version without the trap; null: none known. Every earlier version is affected. */
  fixedIn: string | null;
  /** What happens, for the report. */
  effect: string;
  /** Where it was seen. */
  evidence: string;
}

export const PROVIDER_TRAPS: readonly ProviderTrap[] = [
  {
    id: "credential-update-panic",
    provider: "hashicorp/aws",
    trigger: "credential-update",
    fixedIn: null,
    effect: "terraform apply will crash the provider: "
      + "`panic: interface conversion: interface {} is []interface {}, not *schema.Set` "
      + "(custom_key_store.go, the update path reads xks_proxy_authentication_credential as a set)",
    evidence: "seen with Terraform 1.11.4 and hashicorp/aws 5.100.0; "
      + "the same line stands in the newest provider source read",
  },
];

/** Providers from these registries are the same code (OpenTofu mirrors hashicorp/aws). */
const REGISTRIES = ["registry.terraform.io", "registry.opentofu.org"];

export interface LockedProvider {
  source: string;
  version: string;
  /** The lock file it came from. */
  file: string;
}

/** The versions a lock file pins, by source without the registry host (e.g. "hashicorp/aws"). */
export function parseLockFile(text: string, file: string): LockedProvider[] {
  const out: LockedProvider[] = [];
  for (const m of text.matchAll(/^provider\s+"([^"]+)"\s*\{([\s\S]*?)^\}/gm)) {
    const version = /^\s*version\s*=\s*"([^"]+)"/m.exec(m[2]!)?.[1];
    const host = REGISTRIES.find((r) => m[1]!.startsWith(`${r}/`));
    if (version && host) out.push({ source: m[1]!.slice(host.length + 1), version, file });
  }
  return out;
}

/** --terraform-lock FILE, else ./.terraform.lock.hcl when present; undefined when neither. */
export function readLockedAws(file: string | undefined, cwd = process.cwd()): LockedProvider | undefined {
  const path = file ?? `${cwd}/.terraform.lock.hcl`;
  if (file === undefined && !existsSync(path)) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    const fix = "Fix: give the .terraform.lock.hcl that `terraform init` wrote";
    throw new UsageError(`cannot read --terraform-lock ${path}: ${code}. ${fix}`);
  }
  const found = parseLockFile(text, path);
  if (file !== undefined && found.length === 0 && !/^provider\s+"/m.test(text)) {
    throw new UsageError(`--terraform-lock ${path} holds no provider block: not a .terraform.lock.hcl. `
      + "Fix: give the file `terraform init` wrote beside your configuration");
  }
  const aws = found.find((p) => p.source === "hashicorp/aws");
  // A lock file named on purpose that pins no hashicorp/aws: the version is unknown, and the report says where from.
  return aws ?? (file !== undefined ? { source: "hashicorp/aws", version: "", file: path } : undefined);
}

/** -1, 0, 1 for dotted numeric versions (pre-release suffixes sort before their release). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [main, pre] = v.replace(/^v/, "").split("-", 2);
    return { parts: main!.split(".").map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i += 1) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d) return Math.sign(d);
  }
  if (x.pre && !y.pre) return -1;
  if (!x.pre && y.pre) return 1;
  return 0;
}

/** Whether `version` has the trap: every version before `fixedIn` (all when none is recorded). */
export function versionAffected(trap: ProviderTrap, version: string): boolean {
  return trap.fixedIn === null || compareVersions(version, trap.fixedIn) < 0;
}
