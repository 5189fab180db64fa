/**
 * @module kms/operations/custom-key-stores
 * Create/Describe/Update/Connect/Disconnect/DeleteCustomKeyStore for EXTERNAL_KEY_STORE, with KMS's state rules
 * (which fields need DISCONNECTED, both credential parts together, uniqueness) and its proxy checks mapped to
 * the spec's exceptions.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { KMS_FAILURE_OUTCOMES, XKS_CONNECTIVITIES, type ProxyFailure } from "../../xks/index.js";
import type { KmsContext } from "../context.js";
import { KmsError, kmsError, proxyFailureError } from "../errors.js";
import type { CustomKeyStoreRecord, KmsState, XksProxySettings } from "../state.js";
import { StoreIdField, checkEndpoint, kmsField, kmsString, page, paging, parseInput } from "../validate.js";
import { assertVpcServiceNotInUse, assertVpcServiceUsable, serviceOwner, vpcConnectionErrorCode } from "../vpc-stores.js";

const Credential = z.object({ AccessKeyId: kmsField("AccessKeyId"), RawSecretAccessKey: kmsField("RawSecretAccessKey") }, { error: "Member must contain both AccessKeyId and RawSecretAccessKey" });
const Connectivity = z.enum(XKS_CONNECTIVITIES, { error: "Member must be PUBLIC_ENDPOINT or VPC_ENDPOINT_SERVICE" });

const CreateInput = z.object({
  CustomKeyStoreName: kmsField("CustomKeyStoreName"),
  CustomKeyStoreType: z.enum(["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"]).optional(),
  XksProxyUriEndpoint: z.string().optional(),
  XksProxyUriPath: kmsField("XksProxyUriPath").optional(),
  XksProxyVpcEndpointServiceName: kmsField("XksProxyVpcEndpointServiceName").optional(),
  XksProxyVpcEndpointServiceOwner: kmsField("XksProxyVpcEndpointServiceOwner").optional(),
  XksProxyAuthenticationCredential: Credential.optional(),
  XksProxyConnectivity: Connectivity.optional(),
});

const UpdateInput = z.object({
  CustomKeyStoreId: StoreIdField,
  NewCustomKeyStoreName: kmsField("CustomKeyStoreName").optional(),
  XksProxyUriEndpoint: z.string().optional(),
  XksProxyUriPath: kmsField("XksProxyUriPath").optional(),
  XksProxyVpcEndpointServiceName: kmsField("XksProxyVpcEndpointServiceName").optional(),
  XksProxyVpcEndpointServiceOwner: kmsField("XksProxyVpcEndpointServiceOwner").optional(),
  XksProxyAuthenticationCredential: Credential.optional(),
  XksProxyConnectivity: Connectivity.optional(),
  CloudHsmClusterId: z.string().optional(),
  KeyStorePassword: z.string().optional(),
});

const IdInput = z.object({ CustomKeyStoreId: StoreIdField });
const DescribeInput = z.object({
  CustomKeyStoreId: StoreIdField.optional(),
  CustomKeyStoreName: kmsString(1, 256).optional(),
  ...paging,
});

/** An UpdateCustomKeyStore/CreateCustomKeyStore proxy failure, as the spec's table names it. */
function proxyException(failure: ProxyFailure, detail: string): KmsError {
  return proxyFailureError(failure, detail, "createUpdate", "XksProxyInvalidResponseException");
}

export function findStore(state: KmsState, region: string, id: string): CustomKeyStoreRecord {
  const s = state.customKeyStores.find((k) => k.id === id && k.region === region);
  if (!s) throw kmsError.storeNotFound(id);
  return s;
}

function assertUnique(state: KmsState, region: string, candidate: { id?: string; name: string; xks: XksProxySettings }): void {
  const others = state.customKeyStores.filter((s) => s.region === region && s.id !== candidate.id);
  if (others.some((s) => s.name === candidate.name)) throw new KmsError("CustomKeyStoreNameInUseException", `The custom key store name ${candidate.name} is already used in this account and region`);
  if (others.some((s) => s.xks.uriEndpoint === candidate.xks.uriEndpoint && s.xks.uriPath === candidate.xks.uriPath)) {
    throw new KmsError("XksProxyUriInUseException", "The combination of XksProxyUriEndpoint and XksProxyUriPath is already associated with another external key store in this account and region");
  }
  if (candidate.xks.connectivity === "PUBLIC_ENDPOINT" && others.some((s) => s.xks.connectivity === "VPC_ENDPOINT_SERVICE" && s.xks.uriEndpoint === candidate.xks.uriEndpoint)) {
    throw new KmsError("XksProxyUriEndpointInUseException", "The XksProxyUriEndpoint is already used by an external key store with VPC_ENDPOINT_SERVICE connectivity");
  }
  assertVpcServiceNotInUse(state, region, candidate);
}

function checkConnectivity(xks: XksProxySettings): void {
  if (xks.connectivity === "VPC_ENDPOINT_SERVICE" && !xks.vpcEndpointServiceName) throw kmsError.validation("XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is VPC_ENDPOINT_SERVICE");
  if (xks.connectivity === "PUBLIC_ENDPOINT" && xks.vpcEndpointServiceName) throw kmsError.validation("XksProxyVpcEndpointServiceName is only valid when XksProxyConnectivity is VPC_ENDPOINT_SERVICE");
  if (xks.connectivity === "PUBLIC_ENDPOINT" && xks.vpcEndpointServiceOwner) throw kmsError.validation("XksProxyVpcEndpointServiceOwner is only valid when XksProxyConnectivity is VPC_ENDPOINT_SERVICE");
}

/** GetHealthStatus with the given settings; throws the Create/Update exception the spec's table names. */
async function probeProxy(ctx: KmsContext, id: string, xks: XksProxySettings, kmsOperation: string): Promise<void> {
  const r = await ctx.gateway.health({ id, region: ctx.region, xks }, kmsOperation);
  if (!r.ok) throw proxyException(r.failure, r.detail);
}

function storeId(): string {
  return `cks-${randomBytes(9).toString("hex").slice(0, 17)}`;
}

export async function createCustomKeyStore(ctx: KmsContext, input: unknown) {
  const i = parseInput(CreateInput, input);
  if ((i.CustomKeyStoreType ?? "AWS_CLOUDHSM") !== "EXTERNAL_KEY_STORE") throw kmsError.unsupported("This local KMS implements only CustomKeyStoreType EXTERNAL_KEY_STORE");
  const missing = (["XksProxyUriEndpoint", "XksProxyUriPath", "XksProxyAuthenticationCredential", "XksProxyConnectivity"] as const).filter((k) => i[k] === undefined);
  if (missing.length) throw kmsError.validation(`An EXTERNAL_KEY_STORE requires ${missing.join(", ")}`);
  checkEndpoint(i.XksProxyUriEndpoint!, ctx.options.strict);
  const xks: XksProxySettings = {
    uriEndpoint: i.XksProxyUriEndpoint!,
    uriPath: i.XksProxyUriPath!,
    accessKeyId: i.XksProxyAuthenticationCredential!.AccessKeyId,
    secretAccessKey: i.XksProxyAuthenticationCredential!.RawSecretAccessKey,
    connectivity: i.XksProxyConnectivity!,
    ...(i.XksProxyVpcEndpointServiceName ? { vpcEndpointServiceName: i.XksProxyVpcEndpointServiceName } : {}),
    ...(i.XksProxyVpcEndpointServiceOwner ? { vpcEndpointServiceOwner: i.XksProxyVpcEndpointServiceOwner } : {}),
  };
  checkConnectivity(xks);
  assertUnique(ctx.store.state, ctx.region, { name: i.CustomKeyStoreName, xks });
  // The id first: the probe's metrics are the new store's. A store that is not created leaves none behind.
  const id = storeId();
  try {
    // KMS calls a public endpoint at creation; for a VPC store it checks the endpoint service, and calls the proxy at connect.
    if (xks.connectivity === "PUBLIC_ENDPOINT") await probeProxy(ctx, id, xks, "CreateCustomKeyStore");
    else assertVpcServiceUsable(ctx.options.endpointServices, xks, ctx.region);
    const now = Date.now() / 1000;
    await ctx.store.update((s) => {
      assertUnique(s, ctx.region, { name: i.CustomKeyStoreName, xks });
      s.customKeyStores.push({ id, name: i.CustomKeyStoreName, region: ctx.region, connectionState: "DISCONNECTED", creationDate: now, credentialSetDate: now, xks });
    });
  } catch (err) {
    ctx.storeDeleted(id);
    throw err;
  }
  return { CustomKeyStoreId: id };
}

function describeStore(s: CustomKeyStoreRecord) {
  return {
    CustomKeyStoreId: s.id,
    CustomKeyStoreName: s.name,
    CustomKeyStoreType: "EXTERNAL_KEY_STORE",
    ConnectionState: s.connectionState,
    ...(s.connectionErrorCode ? { ConnectionErrorCode: s.connectionErrorCode } : {}),
    CreationDate: s.creationDate,
    XksProxyConfiguration: {
      Connectivity: s.xks.connectivity,
      AccessKeyId: s.xks.accessKeyId,
      UriEndpoint: s.xks.uriEndpoint,
      UriPath: s.xks.uriPath,
      ...(s.xks.vpcEndpointServiceName ? { VpcEndpointServiceName: s.xks.vpcEndpointServiceName, VpcEndpointServiceOwner: serviceOwner(s.xks) } : {}),
    },
  };
}

export async function describeCustomKeyStores(ctx: KmsContext, input: unknown) {
  const i = parseInput(DescribeInput, input);
  if (i.CustomKeyStoreId && i.CustomKeyStoreName) throw kmsError.validation("Specify CustomKeyStoreId or CustomKeyStoreName, not both");
  let stores = ctx.store.state.customKeyStores.filter((s) => s.region === ctx.region);
  if (i.CustomKeyStoreId) {
    stores = stores.filter((s) => s.id === i.CustomKeyStoreId);
    if (!stores.length) throw kmsError.storeNotFound(i.CustomKeyStoreId);
  }
  if (i.CustomKeyStoreName) {
    stores = stores.filter((s) => s.name === i.CustomKeyStoreName);
    if (!stores.length) throw kmsError.storeNotFound(i.CustomKeyStoreName);
  }
  const p = page(stores, i.Limit, i.Marker);
  return { CustomKeyStores: p.items.map(describeStore), Truncated: p.Truncated, ...(p.NextMarker ? { NextMarker: p.NextMarker } : {}) };
}

export async function updateCustomKeyStore(ctx: KmsContext, input: unknown) {
  const i = parseInput(UpdateInput, input);
  if (i.CloudHsmClusterId || i.KeyStorePassword) throw kmsError.validation("CloudHsmClusterId and KeyStorePassword apply only to AWS_CLOUDHSM key stores");
  const current = findStore(ctx.store.state, ctx.region, i.CustomKeyStoreId);
  if (i.XksProxyUriEndpoint !== undefined) checkEndpoint(i.XksProxyUriEndpoint, ctx.options.strict);
  const next: XksProxySettings = {
    uriEndpoint: i.XksProxyUriEndpoint ?? current.xks.uriEndpoint,
    uriPath: i.XksProxyUriPath ?? current.xks.uriPath,
    accessKeyId: i.XksProxyAuthenticationCredential?.AccessKeyId ?? current.xks.accessKeyId,
    secretAccessKey: i.XksProxyAuthenticationCredential?.RawSecretAccessKey ?? current.xks.secretAccessKey,
    connectivity: i.XksProxyConnectivity ?? current.xks.connectivity,
  };
  const vpc = i.XksProxyVpcEndpointServiceName ?? (next.connectivity === "VPC_ENDPOINT_SERVICE" ? current.xks.vpcEndpointServiceName : undefined);
  if (vpc) next.vpcEndpointServiceName = vpc;
  const owner = i.XksProxyVpcEndpointServiceOwner ?? (next.connectivity === "VPC_ENDPOINT_SERVICE" ? current.xks.vpcEndpointServiceOwner : undefined);
  if (owner) next.vpcEndpointServiceOwner = owner;
  checkConnectivity(next);

  // KMS's rules: endpoint, connectivity and VPC endpoint service need DISCONNECTED; name, path and credential can
  // change while CONNECTED or DISCONNECTED.
  const needsDisconnected = (["XksProxyUriEndpoint", "XksProxyConnectivity", "XksProxyVpcEndpointServiceName", "XksProxyVpcEndpointServiceOwner"] as const).filter((k) => i[k] !== undefined);
  if (needsDisconnected.length && current.connectionState !== "DISCONNECTED") {
    throw kmsError.storeState(`To change ${needsDisconnected.join(", ")}, the custom key store must be DISCONNECTED; it is ${current.connectionState}. Disconnect it first (its KMS keys are unusable until it is connected again)`);
  }
  if (current.connectionState !== "CONNECTED" && current.connectionState !== "DISCONNECTED") {
    throw kmsError.storeState(`The custom key store is ${current.connectionState}; it can be updated only when CONNECTED or DISCONNECTED`);
  }
  const name = i.NewCustomKeyStoreName ?? current.name;
  assertUnique(ctx.store.state, ctx.region, { id: current.id, name, xks: next });
  // What names the endpoint service (or the host its private DNS name must match) changed: KMS checks the service again.
  if (needsDisconnected.length) assertVpcServiceUsable(ctx.options.endpointServices, next, ctx.region);
  const proxyChanged = i.XksProxyUriPath !== undefined || i.XksProxyAuthenticationCredential !== undefined || needsDisconnected.length > 0;
  // A connected store keeps serving KMS keys: KMS proves the new settings before it switches to them.
  if (proxyChanged && current.connectionState === "CONNECTED") await probeProxy(ctx, current.id, next, "UpdateCustomKeyStore");
  await ctx.store.update((s) => {
    const rec = findStore(s, ctx.region, current.id);
    assertUnique(s, ctx.region, { id: current.id, name, xks: next });
    rec.name = name;
    rec.xks = next;
    // XksProxyCredentialAge counts from here (AWS KMS Developer Guide, "Monitor external key stores").
    if (i.XksProxyAuthenticationCredential) rec.credentialSetDate = Date.now() / 1000;
  });
  return {};
}

export async function connectCustomKeyStore(ctx: KmsContext, input: unknown) {
  const { CustomKeyStoreId: id } = parseInput(IdInput, input);
  const store = findStore(ctx.store.state, ctx.region, id);
  if (store.connectionState === "CONNECTED" || store.connectionState === "CONNECTING") return {};
  if (store.connectionState !== "DISCONNECTED") {
    throw kmsError.storeState(`The custom key store is ${store.connectionState}. Disconnect it (DisconnectCustomKeyStore) before connecting again`);
  }
  await ctx.store.update((s) => {
    const rec = findStore(s, ctx.region, id);
    rec.connectionState = "CONNECTING";
    delete rec.connectionErrorCode;
  });
  // Asynchronous, as in KMS: the call returns at once and DescribeCustomKeyStores shows the outcome.
  ctx.background(async () => {
    await sleep(ctx.options.connectDelayMs);
    const rec = ctx.store.state.customKeyStores.find((s) => s.id === id);
    if (!rec || rec.connectionState !== "CONNECTING") return;
    // A VPC store first needs its endpoint service as KMS requires it; only then is the proxy called through it.
    const vpcCode = vpcConnectionErrorCode(ctx.options.endpointServices, rec.xks, rec.region);
    const r = vpcCode ? undefined : await ctx.gateway.health(rec, "ConnectCustomKeyStore");
    await ctx.store.update((s) => {
      const live = s.customKeyStores.find((x) => x.id === id);
      if (!live || live.connectionState !== "CONNECTING") return;
      if (r?.ok) live.connectionState = "CONNECTED";
      else {
        live.connectionState = "FAILED";
        live.connectionErrorCode = vpcCode ?? (r && !r.ok ? KMS_FAILURE_OUTCOMES[r.failure].connectionErrorCode : undefined) ?? "INTERNAL_ERROR";
      }
    });
  });
  return {};
}

export async function disconnectCustomKeyStore(ctx: KmsContext, input: unknown) {
  const { CustomKeyStoreId: id } = parseInput(IdInput, input);
  const store = findStore(ctx.store.state, ctx.region, id);
  if (store.connectionState === "DISCONNECTED") throw kmsError.storeState("The custom key store is already DISCONNECTED");
  await ctx.store.update((s) => {
    const rec = findStore(s, ctx.region, id);
    rec.connectionState = "DISCONNECTED";
    delete rec.connectionErrorCode;
  });
  return {};
}

export async function deleteCustomKeyStore(ctx: KmsContext, input: unknown) {
  const { CustomKeyStoreId: id } = parseInput(IdInput, input);
  const store = findStore(ctx.store.state, ctx.region, id);
  // Keys first: a store that holds keys (even keys pending deletion) cannot be deleted in any connection state.
  const keys = ctx.store.state.keys.filter((k) => k.customKeyStoreId === id && k.region === ctx.region);
  if (keys.length) {
    const pending = keys.filter((k) => k.keyState === "PendingDeletion").length;
    throw new KmsError(
      "CustomKeyStoreHasCMKsException",
      `The custom key store still has ${keys.length} KMS key${keys.length > 1 ? "s" : ""} (${pending} pending deletion). ` +
        "Schedule their deletion (ScheduleKeyDeletion) and wait until the waiting period has ended and they are deleted before deleting the store",
    );
  }
  if (store.connectionState !== "DISCONNECTED") {
    throw kmsError.storeState(
      `The custom key store must be DISCONNECTED to be deleted; it is ${store.connectionState}. Disconnect it first (DisconnectCustomKeyStore)`,
    );
  }
  await ctx.store.update((s) => {
    s.customKeyStores = s.customKeyStores.filter((x) => x.id !== id);
  });
  // A deleted store should not keep alerting.
  ctx.storeDeleted(id);
  return {};
}
