/**
 * @module harness/check/options
 * Turns the flags of `check` and `snapshot` into CheckOptions: the new settings (harness/common/settings.ts),
 * the current ones for continuity (--current-*), and the rest. Secrets come only from the environment or
 * files, never from argv (which `ps` shows to everyone).
 */
import { isXksConnectivity } from "../../src/xks/kms-rules.js";
import { assertProfileExists } from "../common/aws-credentials.js";
import type { ConnectionFlagValues } from "../common/connection-flags.js";
import { checkEc2Endpoint, type VpcFlagValues } from "../common/vpc-flags.js";
import { readCaFiles, readClientCertificate, readSecretFile } from "../common/read-files.js";
import { CURRENT_SECRET_ENV, resolveSettings, SECRET_ENV, type XksSettings } from "../common/settings.js";
import { UsageError } from "../common/usage-error.js";
import type { CheckOptions, Connectivity } from "./types.js";

/** The flags of `check` (`snapshot` takes the connection flags only, and passes the rest as defaults). */
export interface CheckFlags extends ConnectionFlagValues, VpcFlagValues {
  connectivity: string;
  currentEndpoint?: string;
  currentPath?: string;
  currentAccessKeyId?: string;
  currentSecretFile?: string;
  snapshot?: string;
  verbose: boolean;
}

export interface ResolvedSettings {
  settings: XksSettings;
  current?: XksSettings;
}

/** The new settings and, when a --current-* flag asks for continuity, the current ones. */
export function resolveCheckSettings(f: CheckFlags, env: NodeJS.ProcessEnv): ResolvedSettings {
  const settings = resolveSettings(f, env);

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

export function toCheckOptions(f: CheckFlags, env: NodeJS.ProcessEnv, snapshot?: CheckOptions["snapshot"]): CheckOptions {
  const { settings, current } = resolveCheckSettings(f, env);
  if (!isXksConnectivity(f.connectivity)) {
    throw new UsageError(`--connectivity must be PUBLIC_ENDPOINT or VPC_ENDPOINT_SERVICE, not ${f.connectivity}`);
  }
  if (f.profile) assertProfileExists(f.profile, env);
  return {
    settings,
    current,
    region: f.region,
    connectivity: f.connectivity as Connectivity,
    vpcEndpointServiceName: f.vpcEndpointServiceName,
    vpcEndpointServiceOwner: f.vpcEndpointServiceOwner,
    ec2: { endpoint: checkEc2Endpoint(f.ec2Endpoint), profile: f.profile, env },
    keyIds: f.keyId,
    extraCa: readCaFiles(f.ca),
    clientCert: readClientCertificate(f.clientCert, f.clientKey),
    dev: f.dev,
    timeoutMs: f.timeoutMs,
    snapshot,
    verbose: f.verbose,
  };
}
