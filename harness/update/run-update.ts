/**
 * @module harness/update/run-update
 * The gated UpdateCustomKeyStore: describe the store, plan, run every check against the new values, show the
 * plan, confirm, apply (Disconnect → Update → Connect when allowed and needed), and verify. It refuses — sending
 * no UpdateCustomKeyStore at all — when the input is invalid, a check fails, or a field needs DISCONNECTED
 * without --allow-disconnect. Every failure says the store's state and how to get back.
 */
import {
  ConnectCustomKeyStoreCommand,
  DescribeCustomKeyStoresCommand,
  DisconnectCustomKeyStoreCommand,
  UpdateCustomKeyStoreCommand,
  type KMSClient,
  type UpdateCustomKeyStoreCommandInput,
} from "@aws-sdk/client-kms";
import { timingSafeEqual } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { runCheck } from "../check/run-check.js";
import type { CheckOptions, CheckReport } from "../check/types.js";
import { awsKmsLine, rollbackCommand, type AwsCliTarget } from "./aws-cli.js";
import { planUpdate, snapshotOf, type StoreSnapshot, type UpdatePlan, type Wanted } from "./plan.js";
import { settlingOf, type Settling } from "./settle.js";
import { awsCallFailure } from "../common/aws-call-error.js";

export type UpdateOutcome = "updated" | "dry-run" | "refused" | "failed";

export interface UpdateReport {
  outcome: UpdateOutcome;
  message: string;
  before?: StoreSnapshot;
  /** The settings the update aims at (given values over the store's current ones), the secret left out. */
  target?: { endpoint: string; path: string; accessKeyId: string };
  plan?: Omit<UpdatePlan, "updateInput">;
  check?: CheckReport;
  after?: StoreSnapshot;
  /** The `aws kms update-custom-key-store` line that puts the old values back (previous secret as a placeholder). */
  rollback?: string;
  /** After an applied update: until when KMS may still use the old credential and URI (settle.ts). */
  settling?: Settling;
}

/** What an update is about to do and why it may: shown before it asks or acts. */
export interface UpdateEvidence {
  before: StoreSnapshot;
  plan: Omit<UpdatePlan, "updateInput">;
  check: CheckReport;
  target: { endpoint: string; path: string; accessKeyId: string };
}

export interface UpdateOptions {
  kms: KMSClient;
  store: { id?: string | undefined; name?: string | undefined };
  /** Values not given keep the store's current ones. */
  wanted: Partial<Omit<Wanted, "secretAccessKey">> & { secretAccessKey: string };
  /** Check options (keys, trust, dev, timeouts) — settings are filled in from the plan. */
  check: Omit<CheckOptions, "settings" | "current" | "connectivity" | "vpcEndpointServiceName" | "vpcEndpointServiceOwner" | "vpcServiceUsers">;
  /** The secret in force now, for the continuity check. */
  currentSecret?: string | undefined;
  dryRun: boolean;
  allowDisconnect: boolean;
  connectTimeoutMs: number;
  /** Called once every gate passed, before the dry run ends, the confirmation or the first call: show the evidence. */
  review?: (evidence: UpdateEvidence) => void;
  /** Asks the user; resolves true to go ahead. Absent = no confirmation (--yes). */
  confirm?: (plan: UpdatePlan, before: StoreSnapshot) => Promise<boolean>;
  kmsEndpoint?: string | undefined;
  /** The AWS profile, for the `aws kms` lines the report prints. */
  profile?: string | undefined;
  /** Progress lines for people (never the secret). */
  progress?: (line: string) => void;
}

/** Polls DescribeCustomKeyStores at most this often. */
const POLL_MS = 250;

async function describe(kms: KMSClient, store: { id?: string | undefined; name?: string | undefined }): Promise<StoreSnapshot> {
  const out = await kms.send(new DescribeCustomKeyStoresCommand(store.id ? { CustomKeyStoreId: store.id } : { CustomKeyStoreName: store.name }));
  const entry = out.CustomKeyStores?.[0];
  if (!entry) throw new Error("DescribeCustomKeyStores returned no store");
  return snapshotOf(entry);
}

/** Every store of the region (bounded: 100 pages of 100), to catch a clash before anything is disconnected. */
export async function allStores(kms: KMSClient): Promise<StoreSnapshot[]> {
  const stores: StoreSnapshot[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 100; page += 1) {
    const out = await kms.send(new DescribeCustomKeyStoresCommand({ Limit: 100, ...(marker ? { Marker: marker } : {}) }));
    stores.push(...(out.CustomKeyStores ?? []).map(snapshotOf));
    if (!out.Truncated || !out.NextMarker) break;
    marker = out.NextMarker;
  }
  return stores;
}

/** What KMS would refuse for uniqueness (KMS API model): reported before a Disconnect, not after it. */
function uniquenessClash(others: StoreSnapshot[], wanted: Wanted): string | undefined {
  const pair = others.find((s) => s.endpoint === wanted.endpoint && s.path === wanted.path);
  if (pair) return `store ${pair.id} (${pair.name}) already uses ${wanted.endpoint}${wanted.path}: KMS would raise XksProxyUriInUseException`;
  const name = wanted.newName && others.find((s) => s.name === wanted.newName);
  if (name) return `store ${name.id} is already named ${wanted.newName}: KMS would raise CustomKeyStoreNameInUseException`;
  return undefined;
}

/** Stores of the region on the same VPC endpoint service (same name and owner), which KMS refuses with XksProxyVpcEndpointServiceInUseException. */
function vpcServiceUsers(others: StoreSnapshot[], wanted: Wanted): { id: string; name: string }[] {
  if (wanted.connectivity !== "VPC_ENDPOINT_SERVICE" || !wanted.vpcEndpointServiceName) return [];
  // KMS describes every VPC store's owner; a missing one matches, since a service name is unique in its region.
  const sameOwner = (s: StoreSnapshot) => !s.vpcEndpointServiceOwner || !wanted.vpcEndpointServiceOwner || s.vpcEndpointServiceOwner === wanted.vpcEndpointServiceOwner;
  return others.filter((s) => s.connectivity === "VPC_ENDPOINT_SERVICE" && s.vpcEndpointServiceName === wanted.vpcEndpointServiceName && sameOwner(s)).map((s) => ({ id: s.id, name: s.name }));
}

async function waitConnected(kms: KMSClient, id: string, timeoutMs: number): Promise<StoreSnapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await describe(kms, { id });
    if (s.state === "CONNECTED" || s.state === "FAILED" || Date.now() > deadline) return s;
    await sleep(POLL_MS);
  }
}

/** Whether two secrets are the same, in constant time. */
function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

function sameValues(a: StoreSnapshot, w: Wanted): string[] {
  const diffs: string[] = [];
  if (a.endpoint !== w.endpoint) diffs.push(`endpoint is ${a.endpoint}`);
  if (a.path !== w.path) diffs.push(`path is ${a.path}`);
  if (a.accessKeyId !== w.accessKeyId) diffs.push(`access key id is ${a.accessKeyId}`);
  if (w.newName && a.name !== w.newName) diffs.push(`name is ${a.name}`);
  return diffs;
}

export async function runUpdate(o: UpdateOptions): Promise<UpdateReport> {
  const say = o.progress ?? (() => {});
  const before = await describe(o.kms, o.store);
  const aws: AwsCliTarget = { region: o.check.region, endpointUrl: o.kmsEndpoint, profile: o.profile };
  const connectivity = o.wanted.connectivity ?? before.connectivity;
  const wanted: Wanted = {
    endpoint: o.wanted.endpoint ?? before.endpoint,
    path: o.wanted.path ?? before.path,
    accessKeyId: o.wanted.accessKeyId ?? before.accessKeyId,
    secretAccessKey: o.wanted.secretAccessKey,
    connectivity,
    // The store's service name belongs to VPC_ENDPOINT_SERVICE only: carried into PUBLIC_ENDPOINT it fails the input check.
    vpcEndpointServiceName: o.wanted.vpcEndpointServiceName ?? (connectivity === "VPC_ENDPOINT_SERVICE" ? before.vpcEndpointServiceName : undefined),
    vpcEndpointServiceOwner: o.wanted.vpcEndpointServiceOwner ?? (connectivity === "VPC_ENDPOINT_SERVICE" ? before.vpcEndpointServiceOwner : undefined),
    newName: o.wanted.newName,
  };
  const plan = planUpdate(before, wanted, o.allowDisconnect);
  const { updateInput, ...shownPlan } = plan;
  const rollback = rollbackCommand(before, plan, aws);
  const base = { before, target: { endpoint: wanted.endpoint, path: wanted.path, accessKeyId: wanted.accessKeyId }, plan: shownPlan, rollback };
  say(`store ${before.id} (${before.name}) is ${before.state}${before.connectionErrorCode ? ` (${before.connectionErrorCode})` : ""}`);
  if (plan.refusal) return { outcome: "refused", message: `refused: ${plan.refusal}. Nothing was changed; the store is ${before.state}`, ...base };

  const otherStores = async () => (await allStores(o.kms)).filter((s) => s.id !== before.id);
  // A VPC store's check names a store that already uses the service, so the region's stores are read first.
  const vpcOthers = wanted.connectivity === "VPC_ENDPOINT_SERVICE" ? await otherStores() : undefined;
  const check = await runCheck({
    ...o.check,
    settings: { endpoint: wanted.endpoint, path: wanted.path, accessKeyId: wanted.accessKeyId, secretAccessKey: wanted.secretAccessKey },
    connectivity: wanted.connectivity as CheckOptions["connectivity"],
    vpcEndpointServiceName: wanted.vpcEndpointServiceName,
    vpcEndpointServiceOwner: wanted.vpcEndpointServiceOwner,
    vpcServiceUsers: vpcOthers && vpcServiceUsers(vpcOthers, wanted),
    ...(o.currentSecret ? { current: { endpoint: before.endpoint, path: before.path, accessKeyId: before.accessKeyId, secretAccessKey: o.currentSecret } } : {}),
  });
  if (check.verdict === "fail") {
    const failed = check.checks.filter((c) => c.status === "fail").map((c) => c.id).join(", ");
    return { outcome: "refused", message: `refused: the check of the new values failed (${failed})${check.predictedException ? `; UpdateCustomKeyStore would raise ${check.predictedException}` : ""}. No UpdateCustomKeyStore was sent; the store is ${before.state} with its old values`, check, ...base };
  }
  const clash = uniquenessClash(vpcOthers ?? (await otherStores()), wanted);
  if (clash) return { outcome: "refused", message: `refused: ${clash}. Nothing was changed; the store is ${before.state}`, check, ...base };
  o.review?.({ before, plan: shownPlan, check, target: base.target });
  if (o.dryRun) return { outcome: "dry-run", message: "dry run: the checks passed; nothing was sent", check, ...base };
  if (o.confirm && !(await o.confirm(plan, before))) return { outcome: "refused", message: `not confirmed: nothing was changed; the store is ${before.state}`, check, ...base };

  // KMS's own exception keeps its name and words (they say what KMS refused), and so does the state a Connect ended
  // in; anything else (network, credentials) is put in words.
  const stepFailure = (err: unknown): string => {
    const e = err as { name?: string; message?: string; $fault?: string };
    if (e?.$fault !== undefined && e.name && !/Error$/.test(e.name)) return `${e.name}: ${e.message ?? ""}`;
    if (!(err instanceof Error) && e?.name && e.message) return `${e.name}: ${e.message}`;
    return awsCallFailure(err, { service: "KMS", flag: "--kms-endpoint", endpoint: o.kmsEndpoint, region: o.check.region });
  };
  const failedAt = async (step: string, err: unknown): Promise<UpdateReport> => {
    const now = await describe(o.kms, { id: before.id }).catch(() => undefined);
    // The rollback command alone refuses a FAILED store and leaves a DISCONNECTED one disconnected: say the whole way back.
    const id = { CustomKeyStoreId: before.id };
    const back = [
      ...(now?.state === "FAILED" ? [awsKmsLine("DisconnectCustomKeyStore", id, aws)] : []),
      rollback,
      ...(before.state === "CONNECTED" && (now?.state === "FAILED" || now?.state === "DISCONNECTED") ? [awsKmsLine("ConnectCustomKeyStore", id, aws)] : []),
    ];
    return {
      outcome: "failed",
      message: `${step} failed: ${stepFailure(err)}. The store is now ${now?.state ?? "unknown"}${now ? ` at ${now.endpoint}${now.path} with access key id ${now.accessKeyId}` : ""}. To go back: ${back.join(", then ")}`,
      check,
      ...base,
      ...(now ? { after: now } : {}),
    };
  };
  for (const call of plan.calls) {
    say(`calling ${call.operation}`);
    try {
      if (call.operation === "DisconnectCustomKeyStore") {
        await o.kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: before.id }));
      } else if (call.operation === "UpdateCustomKeyStore") {
        await o.kms.send(new UpdateCustomKeyStoreCommand(updateInput as unknown as UpdateCustomKeyStoreCommandInput));
      } else {
        await o.kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: before.id }));
        const s = await waitConnected(o.kms, before.id, o.connectTimeoutMs);
        say(`store is ${s.state}${s.connectionErrorCode ? ` (${s.connectionErrorCode})` : ""}`);
        if (s.state !== "CONNECTED") return await failedAt("ConnectCustomKeyStore", { name: s.state, message: `the store did not connect${s.connectionErrorCode ? `: ConnectionErrorCode ${s.connectionErrorCode}` : ` within ${o.connectTimeoutMs} ms`}` });
      }
    } catch (err) {
      return await failedAt(call.operation, err);
    }
  }
  // KMS may use the old values for five minutes from here (settle.ts).
  const updatedAt = new Date();
  const after = await describe(o.kms, { id: before.id });
  const diffs = sameValues(after, wanted);
  if (plan.expectConnected && after.state !== "CONNECTED") diffs.push(`state is ${after.state}`);
  if (diffs.length) return { outcome: "failed", message: `verification failed: ${diffs.join(", ")}. To go back: ${rollback}`, check, ...base, after };
  const secretKept = o.currentSecret === undefined ? undefined : sameSecret(o.currentSecret, wanted.secretAccessKey);
  const settling = settlingOf(before, after, updatedAt, secretKept);
  const where = `${after.endpoint}${after.path}, access key id ${after.accessKeyId}`;
  const message = `updated and verified: ${where}, ${after.state}`;
  return { outcome: "updated", message, check, ...base, after, settling };
}
