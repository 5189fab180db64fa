/**
 * @module harness/common/aws-credentials
 * The one rule for AWS clients aimed at the local cloud: a loopback endpoint (--kms-endpoint, --ec2-endpoint) with no
 * credentials configured gets placeholder ones, since the local KMS and EC2 accept any. Everywhere else the SDK's
 * standard chain (with --profile) applies.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./usage-error.js";

/** This machine by name or address: localhost, 127.x.x.x, ::1 (bare or as a URL's [::1]). */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Whether the environment or a profile names credentials the standard chain would find without network. */
export function hasCredentials(env: NodeJS.ProcessEnv, profile: string | undefined): boolean {
  return !!(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || profile || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI);
}

/** Placeholder credentials for a loopback endpoint without configured ones; undefined: let the standard chain decide. */
export function localPlaceholderCredentials(endpoint: string | undefined, profile: string | undefined, env: NodeJS.ProcessEnv): { accessKeyId: string; secretAccessKey: string } | undefined {
  return endpoint && isLoopbackHost(new URL(endpoint).hostname) && !hasCredentials(env, profile) ? { accessKeyId: "local", secretAccessKey: "local" } : undefined;
}

/** The config every AWS client of the harness starts from (KMS for update, EC2 for the VPC check). */
export function awsClientConfig(o: { region: string; endpoint?: string | undefined; profile?: string | undefined }, env: NodeJS.ProcessEnv) {
  const placeholder = localPlaceholderCredentials(o.endpoint, o.profile, env);
  return {
    region: o.region,
    maxAttempts: 2,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.profile ? { profile: o.profile } : {}),
    ...(placeholder ? { credentials: placeholder } : {}),
  };
}

/** The shared config and credentials files, where the SDK looks for them (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE). */
function sharedFiles(env: NodeJS.ProcessEnv): { config: string; credentials: string } {
  const aws = join(env.HOME ?? homedir(), ".aws");
  return { config: env.AWS_CONFIG_FILE ?? join(aws, "config"), credentials: env.AWS_SHARED_CREDENTIALS_FILE ?? join(aws, "credentials") };
}

/** INI section names of a file, or none when it cannot be read. */
function sections(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return [...text.matchAll(/^\s*\[\s*([^\]]*?)\s*\]/gm)].map((m) => m[1]!.replace(/\s+/g, " "));
}

/**
 * Refuses an unknown --profile with a message naming it, before any call: the SDK itself only says "Could not
 * load credentials from any providers". Profiles are `[profile NAME]` (or `[default]`) in the config file and
 * `[NAME]` in the credentials file, as the AWS CLI reads them.
 */
export function assertProfileExists(profile: string, env: NodeJS.ProcessEnv): void {
  const files = sharedFiles(env);
  const inConfig = sections(files.config).some((s) => s === `profile ${profile}` || (profile === "default" && s === "default"));
  if (inConfig || sections(files.credentials).includes(profile)) return;
  throw new UsageError(`--profile ${profile}: no such profile in ${files.config} or ${files.credentials}. Fix: name a profile defined there (aws configure list-profiles shows them)`);
}
