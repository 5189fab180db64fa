/**
 * @module harness/update/aws-cli
 * The plan's calls and their rollback as `aws kms …` command lines a person can review and run by hand. Option
 * names follow the KMS API reference's parameters (UpdateCustomKeyStore: CustomKeyStoreId → --custom-key-store-id,
 * …). The secret is never in a line: a placeholder stands where it goes.
 */
import type { PlannedCall, StoreSnapshot, UpdatePlan } from "./plan.js";

/** The KMS the lines talk to: the same one `update` talks to. */
export interface AwsCliTarget {
  region: string;
  endpointUrl?: string | undefined;
  profile?: string | undefined;
}

export const NEW_SECRET_PLACEHOLDER = "<new secret>";
/** KMS never returns a secret, so the one in force before the update is not known here. */
const PREVIOUS_SECRET_PLACEHOLDER = "<previous secret>";

/** UpdateCustomKeyStore's parameters (KMS API reference) and the aws CLI options that carry them. */
const OPTION_OF: Record<string, string> = {
  CustomKeyStoreId: "--custom-key-store-id",
  NewCustomKeyStoreName: "--new-custom-key-store-name",
  XksProxyUriEndpoint: "--xks-proxy-uri-endpoint",
  XksProxyUriPath: "--xks-proxy-uri-path",
  XksProxyVpcEndpointServiceName: "--xks-proxy-vpc-endpoint-service-name",
  XksProxyVpcEndpointServiceOwner: "--xks-proxy-vpc-endpoint-service-owner",
  XksProxyAuthenticationCredential: "--xks-proxy-authentication-credential",
  XksProxyConnectivity: "--xks-proxy-connectivity",
};

/** A word for a POSIX shell: bare when it holds only safe characters, else single-quoted. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_.,:/=@+%-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** DescribeCustomKeyStores → describe-custom-key-stores */
function commandName(operation: string): string {
  return operation.replace(/[A-Z]/g, (m, i: number) => `${i ? "-" : ""}${m.toLowerCase()}`);
}

/** One `aws kms` line; the credential's secret is `secretPlaceholder`, whatever `params` holds. */
export function awsKmsLine(operation: PlannedCall["operation"], params: Record<string, unknown>, target: AwsCliTarget, secretPlaceholder = NEW_SECRET_PLACEHOLDER): string {
  const words = ["aws", "kms", commandName(operation)];
  for (const [name, value] of Object.entries(params)) {
    const option = OPTION_OF[name];
    if (!option || value === undefined) continue;
    // The CLI's shorthand for the structure; the secret is never taken from `params`.
    const text = name === "XksProxyAuthenticationCredential" ? `AccessKeyId=${(value as { AccessKeyId: string }).AccessKeyId},RawSecretAccessKey=${secretPlaceholder}` : String(value);
    words.push(option, shellQuote(text));
  }
  words.push("--region", shellQuote(target.region));
  if (target.endpointUrl) words.push("--endpoint-url", shellQuote(target.endpointUrl));
  if (target.profile) words.push("--profile", shellQuote(target.profile));
  return words.join(" ");
}

/** The plan's calls as `aws kms` lines, in order. */
export function planLines(plan: Pick<UpdatePlan, "calls">, target: AwsCliTarget): string[] {
  return plan.calls.map((c) => awsKmsLine(c.operation, c.display, target));
}

/** UpdateCustomKeyStore's input that puts back the old value of every field the plan changes, and the old credential. */
function rollbackInput(before: StoreSnapshot, changed: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = { CustomKeyStoreId: before.id };
  if ("NewCustomKeyStoreName" in changed) input.NewCustomKeyStoreName = before.name;
  if ("XksProxyUriEndpoint" in changed) input.XksProxyUriEndpoint = before.endpoint;
  if ("XksProxyUriPath" in changed) input.XksProxyUriPath = before.path;
  if ("XksProxyConnectivity" in changed) input.XksProxyConnectivity = before.connectivity;
  if (("XksProxyConnectivity" in changed || "XksProxyVpcEndpointServiceName" in changed) && before.vpcEndpointServiceName) {
    input.XksProxyVpcEndpointServiceName = before.vpcEndpointServiceName;
  }
  if ("XksProxyVpcEndpointServiceOwner" in changed && before.vpcEndpointServiceOwner) input.XksProxyVpcEndpointServiceOwner = before.vpcEndpointServiceOwner;
  // Always: the secret may have changed even where the access key id did not.
  input.XksProxyAuthenticationCredential = { AccessKeyId: before.accessKeyId };
  return input;
}

/** The UpdateCustomKeyStore line that puts the old values back (the previous secret as a placeholder). */
export function rollbackCommand(before: StoreSnapshot, plan: Pick<UpdatePlan, "calls">, target: AwsCliTarget): string {
  const update = plan.calls.find((c) => c.operation === "UpdateCustomKeyStore");
  return awsKmsLine("UpdateCustomKeyStore", rollbackInput(before, update?.display ?? {}), target, PREVIOUS_SECRET_PLACEHOLDER);
}

/** The whole way back after the plan ran: around the update, the Disconnect and Connect the plan itself needed. */
export function rollbackLines(before: StoreSnapshot, plan: Pick<UpdatePlan, "calls" | "keysUnavailable">, target: AwsCliTarget): string[] {
  const id = { CustomKeyStoreId: before.id };
  const update = rollbackCommand(before, plan, target);
  if (!plan.keysUnavailable) return [update];
  return [awsKmsLine("DisconnectCustomKeyStore", id, target), update, awsKmsLine("ConnectCustomKeyStore", id, target)];
}
