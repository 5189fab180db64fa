/**
 * @module harness/common/vpc-flags
 * The flags of a store's connectivity (XksProxyConnectivity and its VPC endpoint service) and of the AWS account
 * the harness reads with (--ec2-endpoint, --profile), declared once for check, snapshot and update. A command picks
 * the ones it takes and may word a help text its own way; names and parsing stay the same everywhere.
 */
import { Option, type Command } from "commander";
import { XKS_CONNECTIVITIES } from "../../src/xks/kms-rules.js";
import { UsageError } from "./usage-error.js";

const FLAGS = {
  connectivity: { flags: "--connectivity <type>", help: "XksProxyConnectivity", choices: XKS_CONNECTIVITIES },
  vpcEndpointServiceName: { flags: "--vpc-endpoint-service-name <name>", help: "XksProxyVpcEndpointServiceName (VPC_ENDPOINT_SERVICE)" },
  vpcEndpointServiceOwner: {
    flags: "--vpc-endpoint-service-owner <account>",
    help: "XksProxyVpcEndpointServiceOwner: the 12-digit account that owns the service (VPC_ENDPOINT_SERVICE; default: the caller's account)",
  },
  ec2Endpoint: { flags: "--ec2-endpoint <url>", help: "EC2 endpoint the vpc-endpoint-service check reads (e.g. the local KMS http://127.0.0.1:4599); default: AWS" },
  profile: { flags: "--profile <name>", help: "AWS profile (standard credential chain otherwise)" },
} as const;

export type VpcFlag = keyof typeof FLAGS;

/** What the flags parse to (commander's camelCase names). */
export interface VpcFlagValues {
  connectivity?: string | undefined;
  vpcEndpointServiceName?: string | undefined;
  vpcEndpointServiceOwner?: string | undefined;
  ec2Endpoint?: string | undefined;
  profile?: string | undefined;
}

/** Adds the `names` flags to `cmd`, in that order; `help` rewords some; `connectivityDefault` as check and snapshot want it. */
export function vpcFlags(cmd: Command, names: readonly VpcFlag[], o: { help?: Partial<Record<VpcFlag, string>>; connectivityDefault?: string } = {}): Command {
  for (const name of names) {
    const f: { flags: string; help: string; choices?: readonly string[] } = FLAGS[name];
    const option = new Option(f.flags, o.help?.[name] ?? f.help);
    if (f.choices) option.choices(f.choices);
    if (name === "connectivity" && o.connectivityDefault) option.default(o.connectivityDefault);
    cmd.addOption(option);
  }
  return cmd;
}

/** --ec2-endpoint must be an http(s) URL with nothing after the host and port: bad usage otherwise, before any call. */
export function checkEc2Endpoint(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`--ec2-endpoint ${value.slice(0, 100)} is not a URL. Fix: give http(s)://host[:port], e.g. http://127.0.0.1:4599 for the local KMS's EC2 endpoint`);
  }
  if ((u.protocol !== "http:" && u.protocol !== "https:") || (u.pathname !== "/" && u.pathname !== "") || u.search || u.username) {
    throw new UsageError(`--ec2-endpoint ${value.slice(0, 100)} must be http(s)://host[:port] with no path, query or user. Fix: e.g. https://ec2.eu-west-1.amazonaws.com or http://127.0.0.1:4599`);
  }
  return value;
}
