/**
 * @module harness/common/settings
 * The one precedence every command resolves a key store's connection settings with:
 * - endpoint: `--endpoint` only (the console's file has none);
 * - path and access key id: the flag, else `--proxy-config`;
 * - the secret: `--secret-file`, else $XKS_SECRET_ACCESS_KEY, else `--proxy-config`.
 * So a flag overrides one field of the console's file, and a secret given on purpose (file or environment)
 * overrides the one the file carries.
 */
import { readProxyConfig } from "./proxy-config.js";
import { readSecretFile } from "./read-files.js";
import { UsageError } from "./usage-error.js";

export const SECRET_ENV = "XKS_SECRET_ACCESS_KEY";
/** The secret in force now, for continuity (check's --current-*, update's --continuity). */
export const CURRENT_SECRET_ENV = "XKS_CURRENT_SECRET_ACCESS_KEY";

/** Connection settings of a key store: what UpdateCustomKeyStore would set. */
export interface XksSettings {
  endpoint: string;
  path: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The connection flags the settings come from (harness/common/connection-flags.ts declares them). */
export interface SettingsFlags {
  endpoint?: string | undefined;
  path?: string | undefined;
  accessKeyId?: string | undefined;
  secretFile?: string | undefined;
  proxyConfig?: string | undefined;
}

/** What flags, environment and `--proxy-config` give, in the module's precedence; a field may be missing. */
export function settingsGiven(f: SettingsFlags, env: NodeJS.ProcessEnv): Partial<XksSettings> {
  const file = f.proxyConfig ? readProxyConfig(f.proxyConfig) : undefined;
  return {
    endpoint: f.endpoint,
    path: f.path ?? file?.XksProxyUriPath,
    accessKeyId: f.accessKeyId ?? file?.XksProxyAuthenticationCredential.AccessKeyId,
    secretAccessKey: f.secretFile ? readSecretFile(f.secretFile, "--secret-file") : (env[SECRET_ENV] ?? file?.XksProxyAuthenticationCredential.RawSecretAccessKey),
  };
}

/** The whole settings, or a UsageError that lists every missing part and where to give it. */
export function resolveSettings(f: SettingsFlags, env: NodeJS.ProcessEnv): XksSettings {
  const { endpoint, path, accessKeyId, secretAccessKey } = settingsGiven(f, env);
  const missing = [
    !endpoint && "--endpoint",
    !path && "--path (or --proxy-config)",
    !accessKeyId && "--access-key-id (or --proxy-config)",
    secretAccessKey === undefined && `the secret (${SECRET_ENV}, --secret-file or --proxy-config)`,
  ].filter(Boolean);
  if (missing.length) throw new UsageError(`missing ${missing.join(", ")}`);
  return { endpoint: endpoint!, path: path!, accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey! };
}
