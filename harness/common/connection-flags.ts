/**
 * @module harness/common/connection-flags
 * The flags that say where a proxy is and how to sign, declared once for every command. A command picks the
 * ones it takes, in the order its --help lists them, and may word a help text its own way (`update` says
 * "new …", since it changes the store); names, defaults and parsing stay the same everywhere.
 */
import type { Command } from "commander";
import { integerOption } from "../../src/cli-options.js";
import type { SettingsFlags } from "./settings.js";

/** Appends each value of a repeatable flag. */
export const collect = (value: string, previous: string[]) => [...previous, value];

const FLAGS = {
  endpoint: { flags: "--endpoint <url>", help: "XksProxyUriEndpoint, https://host (a :port only with --dev)" },
  path: { flags: "--path <path>", help: "XksProxyUriPath, [/prefix]/kms/xks/v1" },
  accessKeyId: { flags: "--access-key-id <id>", help: "XksProxyAuthenticationCredential.AccessKeyId" },
  secretFile: { flags: "--secret-file <file>", help: "file holding RawSecretAccessKey (else $XKS_SECRET_ACCESS_KEY)" },
  proxyConfig: { flags: "--proxy-config <file>", help: "the KMS console's proxy configuration JSON (path + credential)" },
  region: { flags: "--region <region>", help: "region of the key store (KMS signs with it)", default: "us-east-1" },
  keyId: { flags: "--key-id <id>", help: "external key id (repeatable)", parse: collect, default: [] as string[] },
  ca: { flags: "--ca <file>", help: "extra trust anchor, PEM (repeatable)", parse: collect, default: [] as string[] },
  clientCert: { flags: "--client-cert <file>", help: "mTLS: the client certificate to present (the one KMS presents), PEM" },
  clientKey: { flags: "--client-key <file>", help: "mTLS: the key of --client-cert, PEM" },
  dev: { flags: "--dev", help: "local use: port, localhost/IP host and untrusted CA become warnings", default: false },
  timeoutMs: { flags: "--timeout-ms <ms>", help: "bound on each network call, the whole answer included", parse: integerOption(1, 60_000), default: 3000 },
} as const;

export type ConnectionFlag = keyof typeof FLAGS;

/** What the connection flags parse to (commander's camelCase names), for a command that takes them all. */
export interface ConnectionFlagValues extends SettingsFlags {
  region: string;
  keyId: string[];
  ca: string[];
  clientCert?: string | undefined;
  clientKey?: string | undefined;
  dev: boolean;
  timeoutMs: number;
}

/** Every connection flag, in the order check, snapshot and conformance list them. */
const ALL_CONNECTION_FLAGS = Object.keys(FLAGS) as ConnectionFlag[];

/** Adds the `names` flags to `cmd`, in that order; `help` rewords some of them for this command. */
export function connectionFlags(cmd: Command, names: readonly ConnectionFlag[] = ALL_CONNECTION_FLAGS, help: Partial<Record<ConnectionFlag, string>> = {}): Command {
  for (const name of names) {
    const f: { flags: string; help: string; parse?: (value: string, previous: never) => unknown; default?: unknown } = FLAGS[name];
    const text = help[name] ?? f.help;
    if (f.parse) cmd.option(f.flags, text, f.parse as (value: string, previous: unknown) => unknown, f.default);
    else if (f.default !== undefined) cmd.option(f.flags, text, f.default as string | boolean);
    else cmd.option(f.flags, text);
  }
  return cmd;
}
