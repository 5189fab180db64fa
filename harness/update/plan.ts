/**
 * @module harness/update/plan
 * From the store as KMS describes it and the values wanted: what changes, which KMS state rules apply, and the
 * exact calls to make. Pure: no network.
 */
import type { CustomKeyStoresListEntry } from "@aws-sdk/client-kms";
import { PARAMETERS_NEEDING_DISCONNECTED } from "../../src/xks/kms-rules.js";

export interface StoreSnapshot {
  id: string;
  name: string;
  state: string;
  connectionErrorCode?: string | undefined;
  endpoint: string;
  path: string;
  accessKeyId: string;
  connectivity: string;
  vpcEndpointServiceName?: string | undefined;
  /** XksProxyVpcEndpointServiceOwner as KMS describes it (a VPC store's, the owning account). */
  vpcEndpointServiceOwner?: string | undefined;
}

export function snapshotOf(entry: CustomKeyStoresListEntry): StoreSnapshot {
  const x = entry.XksProxyConfiguration ?? {};
  return {
    id: entry.CustomKeyStoreId ?? "",
    name: entry.CustomKeyStoreName ?? "",
    state: entry.ConnectionState ?? "UNKNOWN",
    connectionErrorCode: entry.ConnectionErrorCode,
    endpoint: x.UriEndpoint ?? "",
    path: x.UriPath ?? "",
    accessKeyId: x.AccessKeyId ?? "",
    connectivity: x.Connectivity ?? "PUBLIC_ENDPOINT",
    vpcEndpointServiceName: x.VpcEndpointServiceName,
    vpcEndpointServiceOwner: x.VpcEndpointServiceOwner,
  };
}

export interface Wanted {
  endpoint: string;
  path: string;
  accessKeyId: string;
  /** Never printed. */
  secretAccessKey: string;
  connectivity: string;
  vpcEndpointServiceName?: string | undefined;
  vpcEndpointServiceOwner?: string | undefined;
  newName?: string | undefined;
}

export interface PlannedCall {
  operation: "DisconnectCustomKeyStore" | "UpdateCustomKeyStore" | "ConnectCustomKeyStore";
  /** The request as sent, with the secret replaced by "<redacted>". */
  display: Record<string, unknown>;
}

export interface UpdatePlan {
  changes: string[];
  /** UpdateCustomKeyStore's input (with the secret): sent as is. */
  updateInput: Record<string, unknown>;
  calls: PlannedCall[];
  needsDisconnect: boolean;
  /** Why the update cannot go ahead as asked, if it cannot. */
  refusal?: string;
  /** KMS keys in the store are unusable between Disconnect and a successful Connect. */
  keysUnavailable: boolean;
  /** The store ends CONNECTED (it was, or is reconnected). */
  expectConnected: boolean;
}

export function planUpdate(current: StoreSnapshot, wanted: Wanted, allowDisconnect: boolean): UpdatePlan {
  const changes: string[] = [];
  const input: Record<string, unknown> = { CustomKeyStoreId: current.id };
  if (wanted.newName && wanted.newName !== current.name) {
    input.NewCustomKeyStoreName = wanted.newName;
    changes.push(`name: ${current.name} → ${wanted.newName}`);
  }
  if (wanted.endpoint !== current.endpoint) {
    input.XksProxyUriEndpoint = wanted.endpoint;
    changes.push(`XksProxyUriEndpoint: ${current.endpoint} → ${wanted.endpoint}`);
  }
  if (wanted.path !== current.path) {
    input.XksProxyUriPath = wanted.path;
    changes.push(`XksProxyUriPath: ${current.path} → ${wanted.path}`);
  }
  if (wanted.connectivity !== current.connectivity) {
    input.XksProxyConnectivity = wanted.connectivity;
    changes.push(`XksProxyConnectivity: ${current.connectivity} → ${wanted.connectivity}`);
  }
  if (wanted.vpcEndpointServiceName && wanted.vpcEndpointServiceName !== current.vpcEndpointServiceName) {
    input.XksProxyVpcEndpointServiceName = wanted.vpcEndpointServiceName;
    changes.push(`XksProxyVpcEndpointServiceName → ${wanted.vpcEndpointServiceName}`);
  }
  if (wanted.vpcEndpointServiceOwner && wanted.vpcEndpointServiceOwner !== current.vpcEndpointServiceOwner) {
    input.XksProxyVpcEndpointServiceOwner = wanted.vpcEndpointServiceOwner;
    changes.push(`XksProxyVpcEndpointServiceOwner: ${current.vpcEndpointServiceOwner ?? "(the store's account)"} → ${wanted.vpcEndpointServiceOwner}`);
  }
  // KMS needs both parts of the credential even when one changes; sending it whole also makes a secret-only
  // rotation explicit.
  input.XksProxyAuthenticationCredential = { AccessKeyId: wanted.accessKeyId, RawSecretAccessKey: wanted.secretAccessKey };
  changes.push(wanted.accessKeyId !== current.accessKeyId ? `credential: access key id ${current.accessKeyId} → ${wanted.accessKeyId} (with its secret)` : `credential: access key id ${wanted.accessKeyId} (secret sent whole; KMS cannot show whether it changed)`);

  const needsDisconnect = PARAMETERS_NEEDING_DISCONNECTED.some((k) => k in input);
  const connected = current.state === "CONNECTED";
  const display = { ...input, XksProxyAuthenticationCredential: { AccessKeyId: wanted.accessKeyId, RawSecretAccessKey: "<redacted>" } };
  const calls: PlannedCall[] = [];
  let refusal: string | undefined;
  if (current.state !== "CONNECTED" && current.state !== "DISCONNECTED") {
    refusal = `the store is ${current.state}; KMS updates a store only when CONNECTED or DISCONNECTED${current.state === "FAILED" ? " (disconnect it first: aws kms disconnect-custom-key-store)" : " (wait until it settles)"}`;
  } else if (needsDisconnect && connected && !allowDisconnect) {
    refusal = "changing the endpoint, connectivity or VPC endpoint service (name or owner) needs the store DISCONNECTED, and it is CONNECTED: pass --allow-disconnect to Disconnect → Update → Connect (its KMS keys are unusable in between)";
  }
  const disconnectFirst = needsDisconnect && connected;
  if (disconnectFirst) calls.push({ operation: "DisconnectCustomKeyStore", display: { CustomKeyStoreId: current.id } });
  calls.push({ operation: "UpdateCustomKeyStore", display });
  if (disconnectFirst) calls.push({ operation: "ConnectCustomKeyStore", display: { CustomKeyStoreId: current.id } });
  return { changes, updateInput: input, calls, needsDisconnect, ...(refusal ? { refusal } : {}), keysUnavailable: disconnectFirst, expectConnected: connected };
}
