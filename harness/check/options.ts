/**
 * @module harness/check/options
 * Turns command-line flags, environment variables and the KMS console's proxy-configuration file into
 * CheckOptions. Secrets come only from the environment or files, never from argv (which `ps` shows to everyone).
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { describeIssues } from "../../src/xks/schemas.js";
import type { CheckOptions, Connectivity, XksSettings } from "./types.js";
import { isXksConnectivity } from "../../src/xks/kms-rules.js";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The JSON file the KMS console accepts and many proxies export (spec "KMS console proxy configuration"). */
export const ProxyConfigFile = z.object({
  XksProxyUriPath: z.string(),
  XksProxyAuthenticationCredential: z.object({ AccessKeyId: z.string(), RawSecretAccessKey: z.string() }),
});

export interface CheckFlags {
  endpoint?: string;
  path?: string;
  accessKeyId?: string;
  secretFile?: string;
  region: string;
  connectivity: string;
  vpcEndpointServiceName?: string;
  proxyConfig?: string;
  keyId: string[];
  currentEndpoint?: string;
  currentPath?: string;
  currentAccessKeyId?: string;
  currentSecretFile?: string;
  ca: string[];
  dev: boolean;
  timeoutMs: number;
  snapshot?: string;
  verbose: boolean;
}

export const SECRET_ENV = "XKS_SECRET_ACCESS_KEY";
export const CURRENT_SECRET_ENV = "XKS_CURRENT_SECRET_ACCESS_KEY";

/** Reads a file named by a flag; a failure is a usage error that names the flag. */
export function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** A secret file holds the secret alone; a trailing newline (echo, editors) is not part of it. */
export function readSecretFile(file: string, flag: string): string {
  return readText(file, `${flag}`).replace(/\r?\n$/, "");
}

export function readProxyConfig(file: string): z.infer<typeof ProxyConfigFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(readText(file, "--proxy-config"));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--proxy-config ${file} is not JSON`);
  }
  const parsed = ProxyConfigFile.safeParse(raw);
  if (!parsed.success) throw new UsageError(`--proxy-config ${file}: ${describeIssues(parsed.error)} (expected the KMS console format: XksProxyUriPath and XksProxyAuthenticationCredential {AccessKeyId, RawSecretAccessKey})`);
  return parsed.data;
}

export interface ResolvedSettings {
  settings: XksSettings;
  current?: XksSettings;
}

export function resolveSettings(f: CheckFlags, env: NodeJS.ProcessEnv): ResolvedSettings {
  const file = f.proxyConfig ? readProxyConfig(f.proxyConfig) : undefined;
  const endpoint = f.endpoint;
  const path = f.path ?? file?.XksProxyUriPath;
  const accessKeyId = f.accessKeyId ?? file?.XksProxyAuthenticationCredential.AccessKeyId;
  const secret = f.secretFile ? readSecretFile(f.secretFile, "--secret-file") : (env[SECRET_ENV] ?? file?.XksProxyAuthenticationCredential.RawSecretAccessKey);
  const missing = [
    !endpoint && "--endpoint",
    !path && "--path (or --proxy-config)",
    !accessKeyId && "--access-key-id (or --proxy-config)",
    secret === undefined && `the secret (${SECRET_ENV}, --secret-file or --proxy-config)`,
  ].filter(Boolean);
  if (missing.length) throw new UsageError(`missing ${missing.join(", ")}`);
  const settings: XksSettings = { endpoint: endpoint!, path: path!, accessKeyId: accessKeyId!, secretAccessKey: secret! };

  // Only a flag turns continuity with the current settings on: the README's rotation step exports
  // XKS_CURRENT_SECRET_ACCESS_KEY, which must not change what `check` (or `snapshot`) does on its own.
  const wantsCurrent = f.currentEndpoint || f.currentPath || f.currentAccessKeyId || f.currentSecretFile;
  if (!wantsCurrent) return { settings };
  const currentSecret = f.currentSecretFile ? readSecretFile(f.currentSecretFile, "--current-secret-file") : env[CURRENT_SECRET_ENV];
  if (!f.currentAccessKeyId || currentSecret === undefined) {
    throw new UsageError(`the current settings (--current-*) need --current-access-key-id and ${CURRENT_SECRET_ENV} (or --current-secret-file); endpoint and path default to the new ones`);
  }
  return {
    settings,
    current: { endpoint: f.currentEndpoint ?? settings.endpoint, path: f.currentPath ?? settings.path, accessKeyId: f.currentAccessKeyId, secretAccessKey: currentSecret },
  };
}

/** A note when XKS_CURRENT_SECRET_ACCESS_KEY is set but this run does not use it (no --current-* flag). */
export function unusedCurrentSecretNote(command: "check" | "snapshot", f: Partial<CheckFlags>, env: NodeJS.ProcessEnv): string | undefined {
  if (env[CURRENT_SECRET_ENV] === undefined) return undefined;
  if (command === "snapshot") return `note: ${CURRENT_SECRET_ENV} is set but snapshot does not use it: it signs with the settings given, and ${SECRET_ENV} (or --secret-file)`;
  if (f.currentEndpoint || f.currentPath || f.currentAccessKeyId || f.currentSecretFile) return undefined;
  return `note: ${CURRENT_SECRET_ENV} is set but not used: continuity with the current settings needs --current-access-key-id (or use --snapshot)`;
}

/** Extra trust anchors: each file must hold at least one PEM certificate, and every one must parse. */
export function readCaFiles(files: string[]): string[] {
  return files.map((file) => {
    const text = readText(file, "--ca");
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) throw new UsageError(`--ca ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----). Fix: give the CA certificate in PEM, not a key or DER file`);
    for (const block of blocks) {
      try {
        new X509Certificate(block);
      } catch {
        throw new UsageError(`--ca ${file} holds a PEM block that is not a valid certificate. Fix: give the CA certificate in PEM`);
      }
    }
    return text;
  });
}

export function toCheckOptions(f: CheckFlags, env: NodeJS.ProcessEnv, snapshot?: CheckOptions["snapshot"]): CheckOptions {
  const { settings, current } = resolveSettings(f, env);
  if (!isXksConnectivity(f.connectivity)) {
    throw new UsageError(`--connectivity must be PUBLIC_ENDPOINT or VPC_ENDPOINT_SERVICE, not ${f.connectivity}`);
  }
  return {
    settings,
    current,
    region: f.region,
    connectivity: f.connectivity as Connectivity,
    vpcEndpointServiceName: f.vpcEndpointServiceName,
    keyIds: f.keyId,
    extraCa: readCaFiles(f.ca),
    dev: f.dev,
    timeoutMs: f.timeoutMs,
    snapshot,
    verbose: f.verbose,
  };
}
