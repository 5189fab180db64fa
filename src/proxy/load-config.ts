/**
 * @module proxy/load-config
 * Builds the mock's configuration from defaults, a JSON file, environment variables and CLI flags (in that
 * order of precedence, last wins), then validates it once. A bad value stops startup with a message that
 * names the field, the rule and the fix.
 */
import { readFileSync } from "node:fs";
import { issueLines } from "../xks/index.js";
import { ProxyConfigSchema, defaultConfigInput, type ProxyConfig, type ProxyConfigInput } from "./config-schema.js";
import { describeError } from "../error-words.js";

export class ConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/** Flags and environment variables: each overrides one field of the file. */
export interface ConfigOverrides {
  host?: string | undefined;
  port?: number | undefined;
  http?: boolean | undefined;
  adminPort?: number | null | undefined;
  logLevel?: string | undefined;
  mtls?: boolean | undefined;
  /** Path prefix of the first keystore. */
  pathPrefix?: string | undefined;
  /** Replaces the first keystore's credentials with this one. */
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
}

/** The environment variables the mock reads, each the twin of a flag. */
const CONFIG_ENV = {
  XKS_MOCK_HOST: "host",
  XKS_MOCK_PORT: "port",
  XKS_MOCK_HTTP: "http",
  XKS_MOCK_ADMIN_PORT: "adminPort",
  XKS_MOCK_LOG_LEVEL: "logLevel",
  XKS_MOCK_MTLS: "mtls",
  XKS_MOCK_URI_PREFIX: "pathPrefix",
  XKS_MOCK_ACCESS_KEY_ID: "accessKeyId",
  XKS_MOCK_SECRET_ACCESS_KEY: "secretAccessKey",
} as const satisfies Record<string, keyof ConfigOverrides>;

function parseInteger(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new ConfigError(`${name}=${text.slice(0, 20)}: must be a whole number. Fix: e.g. ${name}=8443`);
  return Number(text);
}

function parseBoolean(name: string, text: string): boolean {
  if (/^(1|true|yes)$/i.test(text)) return true;
  if (/^(0|false|no)$/i.test(text)) return false;
  throw new ConfigError(`${name}: must be true or false`);
}

function overridesFromEnv(env: NodeJS.ProcessEnv): ConfigOverrides {
  const o: ConfigOverrides = {};
  for (const [name, field] of Object.entries(CONFIG_ENV)) {
    const text = env[name];
    if (text === undefined || text === "") continue;
    if (field === "port") o.port = parseInteger(name, text);
    else if (field === "adminPort") o.adminPort = text === "off" ? null : parseInteger(name, text);
    else if (field === "http" || field === "mtls") o[field] = parseBoolean(name, text);
    else o[field] = text;
  }
  return o;
}

function readConfigFile(file: string): ProxyConfigInput {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${describeError(err, { file, flag: "--config" })}`);
  }
  try {
    return JSON.parse(text) as ProxyConfigInput;
  } catch (err) {
    // V8 quotes the text around some syntax errors (`Unexpected token 'x', ..."ey": abc"...`): that text may be a secret.
    const reason = (err as Error).message.replace(/, (\.\.\.)?".*$/s, "");
    throw new ConfigError(`config file ${file} is not valid JSON: ${reason}`);
  }
}

function applyOverrides(input: ProxyConfigInput, o: ConfigOverrides): ProxyConfigInput {
  const out: ProxyConfigInput = structuredClone(input);
  if (o.host !== undefined) out.host = o.host;
  if (o.port !== undefined) out.port = o.port;
  if (o.http !== undefined) out.http = o.http;
  if (o.adminPort !== undefined) out.adminPort = o.adminPort;
  if (o.logLevel !== undefined) out.logLevel = o.logLevel as ProxyConfig["logLevel"];
  if (o.mtls !== undefined) out.tls = { ...out.tls, mtls: o.mtls };
  const first = out.keystores?.[0];
  if (first && o.pathPrefix !== undefined) first.pathPrefix = o.pathPrefix;
  if ((o.accessKeyId === undefined) !== (o.secretAccessKey === undefined)) {
    throw new ConfigError("an access key id and a secret access key must be given together (XKS_MOCK_ACCESS_KEY_ID and XKS_MOCK_SECRET_ACCESS_KEY)");
  }
  if (first && o.accessKeyId !== undefined) first.credentials = [{ accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey! }];
  return out;
}

/** Validates a complete configuration input. */
export function parseProxyConfig(input: unknown, source = "config"): ProxyConfig {
  const result = ProxyConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = issueLines(result.error);
    const list = problems.map((p) => `  - ${p}`).join("\n");
    const fix = `Fix: correct ${problems.length === 1 ? "this field" : "these fields"} in the ${source}; README "Configuration file" lists every field with its rule and default.`;
    throw new ConfigError(`invalid ${source} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${list}\n${fix}`);
  }
  return result.data;
}

interface LoadConfigOptions {
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  flags?: ConfigOverrides;
}

export function loadConfig(o: LoadConfigOptions = {}): ProxyConfig {
  const base = o.file ? readConfigFile(o.file) : defaultConfigInput();
  const withEnv = applyOverrides(base, o.env ? overridesFromEnv(o.env) : {});
  return parseProxyConfig(applyOverrides(withEnv, o.flags ?? {}), o.file ? `config file ${o.file}` : "configuration");
}
