/**
 * @module harness/check/terraform/run-plan-check
 * Checks every external key store a plan creates, updates or replaces with the checks `check` runs (same
 * run-check.ts), plus the apply risks; stores run concurrently, at most MAX_PARALLEL_STORES at once.
 */
import { isXksConnectivity } from "../../../src/xks/kms-rules.js";
import type { AwsCliTarget } from "../../update/aws-cli.js";
import { runCheck } from "../run-check.js";
import type { CheckOptions, CheckReport, Connectivity } from "../types.js";
import { applyRisks, type ApplyRisk } from "./apply-risks.js";
import { planKeyIds } from "./key-ids.js";
import { readRegions, type KmsAccess, type RegionStores } from "./kms-stores.js";
import type { TerraformPlan } from "./plan-file.js";
import type { LockedProvider } from "./provider-traps.js";
import { selectStores, STORE_ATTRIBUTES, type PlannedStore, type StoreAction, type StoreField } from "./stores.js";

/** A plan of 10 stores takes about 2 × its slowest store. */
export const MAX_PARALLEL_STORES = 5;
/** How often progress names the stores still running. */
const HEARTBEAT_MS = 5000;

export type StoreVerdict = "pass" | "fail" | "unknown" | "skipped" | "unchanged";

/** Per-store options the checks share: trust, mTLS, timeouts, --dev, EC2 access. */
export type SharedCheckOptions = Pick<CheckOptions, "extraCa" | "clientCert" | "dev" | "timeoutMs" | "ec2">;

export interface PlanCheckOptions {
  plan: TerraformPlan;
  shared: SharedCheckOptions;
  /** --region: for stores whose provider block gives no constant region. */
  region: string;
  /** --key-id, added to every store's keys from the plan. */
  keyIds: string[];
  kms?: KmsAccess | undefined;
  provider?: LockedProvider | undefined;
  allowUnknown: boolean;
  progress?: ((line: string) => void) | undefined;
}

export interface StoreResult {
  address: string;
  action: StoreAction;
  verdict: StoreVerdict;
  region: string;
  /** Where the region came from. */
  regionSource: "resource" | "provider" | "--region";
  /** The planned values the checks used: never the secret. */
  target: {
    endpoint: string | null;
    path: string | null;
    accessKeyId: string | null;
    connectivity: string | null;
    vpcEndpointServiceName: string | null;
    keyIds: string[];
  };
  /** Fields known only after apply, as `attribute (Parameter)`. */
  unknown: { field: StoreField; attribute: string; parameter: string }[];
  predictedException: string | null;
  predictedConnectionErrorCode: string | null;
  check?: CheckReport | undefined;
  applyRisks: ApplyRisk[];
  /** Why the store is not checked (skipped, unchanged, delete) or what the verdict rests on. */
  notes: string[];
}

export interface PlanCheckReport {
  verdict: "pass" | "fail" | "unknown";
  plan: { formatVersion: string; terraformVersion: string | null };
  provider: { source: string; version: string | null; lockFile: string } | null;
  stores: StoreResult[];
  /** Once per run: the secret in the plan, KMS not read, ... */
  warnings: string[];
  /** Whether `unknown` stores count as passing (--allow-unknown). */
  allowUnknown: boolean;
}

/** Runs `fn` over `items`, at most `limit` at a time, results in order. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const CHANGING: ReadonlySet<StoreAction> = new Set(["create", "update", "replace"]);

function regionOf(s: PlannedStore, o: PlanCheckOptions): Pick<StoreResult, "region" | "regionSource"> {
  const own = s.after?.region ?? s.before?.region;
  if (own) return { region: own, regionSource: "resource" };
  if (s.region) return { region: s.region, regionSource: "provider" };
  return { region: o.region, regionSource: "--region" };
}

/** Continuity needs the settings in force now: `before` of an update or replace that changes the proxy's settings. */
function currentOf(s: PlannedStore): CheckOptions["current"] {
  const b = s.before;
  const a = s.after;
  if (s.action !== "update" && s.action !== "replace") return undefined;
  if (!b?.endpoint || !b.path || !b.accessKeyId || b.secretAccessKey === undefined) return undefined;
  const same = a && b.endpoint === a.endpoint && b.path === a.path && b.accessKeyId === a.accessKeyId
    && b.secretAccessKey === a.secretAccessKey;
  if (same) return undefined;
  return { endpoint: b.endpoint, path: b.path, accessKeyId: b.accessKeyId, secretAccessKey: b.secretAccessKey };
}

async function checkStore(
  s: PlannedStore,
  o: PlanCheckOptions,
  all: PlannedStore[],
  kms: Map<string, RegionStores> | undefined,
  aws: Omit<AwsCliTarget, "region">,
): Promise<StoreResult> {
  const { region, regionSource } = regionOf(s, o);
  const keyIds = [...new Set([...planKeyIds(o.plan, s), ...o.keyIds])].sort();
  const v = s.after ?? s.before ?? {};
  const base: StoreResult = {
    address: s.address,
    action: s.action,
    verdict: "pass",
    region,
    regionSource,
    target: {
      endpoint: v.endpoint ?? null,
      path: v.path ?? null,
      accessKeyId: v.accessKeyId ?? null,
      connectivity: v.connectivity ?? null,
      vpcEndpointServiceName: v.vpcEndpointServiceName ?? null,
      keyIds,
    },
    unknown: s.unknown.map((field) => ({ field, ...STORE_ATTRIBUTES[field] })),
    predictedException: null,
    predictedConnectionErrorCode: null,
    applyRisks: [],
    notes: [],
  };
  if (!s.external) {
    const type = v.type ?? "AWS_CLOUDHSM, the provider's default";
    const notes = [`not an external key store (custom_key_store_type ${type}): only EXTERNAL_KEY_STORE is checked`];
    return { ...base, verdict: "skipped", notes };
  }
  if (s.action === "unchanged") {
    return { ...base, verdict: "unchanged", notes: [`no change (${s.actions.join(", ")})`] };
  }
  const ctx = { all, kms: kms?.get(region), region, provider: o.provider, aws: { ...aws, region } };
  const risks = applyRisks(s, keyIds, ctx);
  const riskFailed = risks.some((r) => r.severity === "fail");
  const firstRisk = risks.find((r) => r.severity === "fail" && r.exception);
  const fromRisks = { applyRisks: risks, predictedException: firstRisk?.exception ?? null };
  if (!CHANGING.has(s.action)) {
    const notes = ["deleted: nothing to connect to, only the apply risks apply"];
    return { ...base, ...fromRisks, verdict: riskFailed ? "fail" : "pass", notes };
  }
  if (s.unknown.length) {
    const names = s.unknown.map((f) => STORE_ATTRIBUTES[f].attribute).join(", ");
    const notes = [`not checked: ${names} known only after apply`];
    return { ...base, ...fromRisks, verdict: riskFailed ? "fail" : "unknown", notes };
  }
  const a = s.after!;
  const connectivity = a.connectivity && isXksConnectivity(a.connectivity) ? a.connectivity : "PUBLIC_ENDPOINT";
  o.progress?.(`checking ${s.address} (${a.endpoint ?? "no endpoint"}${a.path ?? ""})`);
  const check = await runCheck({
    ...o.shared,
    // A missing value is "" and fails the input check, naming the KMS parameter, as KMS would refuse it.
    settings: {
      endpoint: a.endpoint ?? "",
      path: a.path ?? "",
      accessKeyId: a.accessKeyId ?? "",
      secretAccessKey: a.secretAccessKey ?? "",
    },
    current: currentOf(s),
    region,
    connectivity: connectivity as Connectivity,
    vpcEndpointServiceName: a.vpcEndpointServiceName,
    vpcEndpointServiceOwner: a.vpcEndpointServiceOwner,
    keyIds,
    verbose: false,
  });
  const notes: string[] = [];
  if (a.connectivity && !isXksConnectivity(a.connectivity)) {
    notes.push(`xks_proxy_connectivity ${a.connectivity} is neither PUBLIC_ENDPOINT nor VPC_ENDPOINT_SERVICE: `
      + "checked as PUBLIC_ENDPOINT");
  }
  if (regionSource === "--region") notes.push(`region ${region} from --region: the provider gives no constant region`);
  const failed = check.verdict === "fail" || riskFailed;
  return {
    ...base,
    verdict: failed ? "fail" : "pass",
    predictedException: check.predictedException ?? firstRisk?.exception ?? null,
    predictedConnectionErrorCode: check.predictedConnectionErrorCode,
    check,
    applyRisks: risks,
    notes,
  };
}

/** The plain-text secret warning, once per run when any store carries a secret. */
export const PLAN_SECRET_WARNING =
  "the plan (tfplan and its JSON) holds xks_proxy_authentication_credential.raw_secret_access_key in plain text: "
  + "the provider marks nothing sensitive. Keep both out of CI artifacts and logs: write them to the job's temporary "
  + "directory, never upload or cache them, delete them after the apply (docs/terraform.md)";

export async function runPlanCheck(o: PlanCheckOptions): Promise<PlanCheckReport> {
  const stores = selectStores(o.plan);
  const warnings: string[] = [];
  const holdsSecret = (s: PlannedStore) => (s.after?.secretAccessKey ?? s.before?.secretAccessKey) !== undefined;
  if (stores.some((s) => s.external && holdsSecret(s))) warnings.push(PLAN_SECRET_WARNING);
  const changing = stores.filter((s) => s.external && s.action !== "unchanged");
  let kms: Map<string, RegionStores> | undefined;
  if (changing.length && o.kms) {
    const regions = [...new Set(changing.map((s) => regionOf(s, o).region))];
    o.progress?.(`reading the key stores KMS has in ${regions.join(", ")}`);
    kms = await readRegions(o.kms, regions, Math.max(o.shared.timeoutMs * 3, 10_000));
    for (const r of kms.values()) {
      if (!r.ok) warnings.push(`${r.reason}: the risks that need a store's state or the other stores are warnings`);
    }
  } else if (changing.length) {
    warnings.push("KMS not read (no --kms-endpoint, --profile or AWS credentials): a store's ConnectionState and the "
      + "account's other stores are unknown, so those apply risks are warnings");
  }
  const aws = { endpointUrl: o.kms?.endpoint, profile: o.kms?.profile };
  // Without a terminal too, a reader sees every few seconds which stores are still being checked.
  const running = new Set<string>();
  const beat = () => running.size && o.progress?.(`still checking ${[...running].join(", ")}`);
  const heartbeat = o.progress && setInterval(beat, HEARTBEAT_MS);
  let results: StoreResult[];
  try {
    results = await pool(stores, MAX_PARALLEL_STORES, async (s) => {
      running.add(s.address);
      try {
        return await checkStore(s, o, stores, kms, aws);
      } finally {
        running.delete(s.address);
      }
    });
  } finally {
    if (heartbeat) clearInterval(heartbeat);
  }
  const any = (v: StoreVerdict) => results.some((r) => r.verdict === v);
  return {
    verdict: any("fail") ? "fail" : any("unknown") ? "unknown" : "pass",
    plan: { formatVersion: o.plan.formatVersion, terraformVersion: o.plan.terraformVersion },
    provider: o.provider
      ? { source: o.provider.source, version: o.provider.version || null, lockFile: o.provider.file }
      : null,
    stores: results,
    warnings,
    allowUnknown: o.allowUnknown,
  };
}
