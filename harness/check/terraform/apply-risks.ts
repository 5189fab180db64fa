/**
 * @module harness/check/terraform/apply-risks
 * What `terraform apply` of a planned store change would run into at KMS or in the provider, with the exception
 * KMS would raise and the way through. Pure: the stores KMS has now and the locked provider are arguments.
 */
import { PARAMETERS_NEEDING_DISCONNECTED } from "../../../src/xks/kms-rules.js";
import { awsKmsLine, type AwsCliTarget } from "../../update/aws-cli.js";
import type { StoreSnapshot } from "../../update/plan.js";
import type { RegionStores } from "./kms-stores.js";
import { PROVIDER_TRAPS, versionAffected, type LockedProvider } from "./provider-traps.js";
import { STORE_ATTRIBUTES, type PlannedStore, type StoreField, type StoreValues } from "./stores.js";

export interface ApplyRisk {
  id: string;
  /** fail: the apply would break; warn: it may, and this run could not tell. */
  severity: "fail" | "warn";
  /** What KMS would raise, or null when the provider, not KMS, fails. */
  exception: string | null;
  detail: string;
  fix: string;
}

/** A store's values after the apply, for the uniqueness rules. */
interface Occupant {
  label: string;
  values: StoreValues;
}

const FIELD_OF_PARAMETER = Object.fromEntries(
  Object.entries(STORE_ATTRIBUTES).map(([field, a]) => [a.parameter, field as StoreField]),
);

/** The parameters of a planned update that KMS changes only on a DISCONNECTED store. */
export function disconnectedChanges(s: PlannedStore): string[] {
  if (s.action !== "update" || !s.before || !s.after) return [];
  return PARAMETERS_NEEDING_DISCONNECTED.filter((p) => {
    const field = FIELD_OF_PARAMETER[p];
    if (field === undefined) return false;
    return s.unknown.includes(field) || (s.before![field] ?? "") !== (s.after![field] ?? "");
  });
}

/** Whether the update sends a new credential (the provider sends it when either part changes). */
export function credentialChanges(s: PlannedStore): boolean {
  if (s.action !== "update" || !s.before || !s.after) return false;
  if (s.unknown.includes("accessKeyId") || s.unknown.includes("secretAccessKey")) return true;
  return s.before.accessKeyId !== s.after.accessKeyId || s.before.secretAccessKey !== s.after.secretAccessKey;
}

export interface RiskContext {
  /** Every store of the plan, for collisions inside it. */
  all: PlannedStore[];
  /** The stores KMS has now in the store's region; undefined: no KMS access. */
  kms?: RegionStores | undefined;
  region: string;
  /** The hashicorp/aws version the lock file pins; undefined: no lock file. */
  provider?: LockedProvider | undefined;
  aws: AwsCliTarget;
}

function disconnectRisk(s: PlannedStore, ctx: RiskContext): ApplyRisk | undefined {
  const params = disconnectedChanges(s);
  if (!params.length) return undefined;
  const id = s.before?.id ?? "<store id>";
  const target = { ...ctx.aws, region: ctx.region };
  const disconnect = awsKmsLine("DisconnectCustomKeyStore", { CustomKeyStoreId: id }, target);
  const connect = awsKmsLine("ConnectCustomKeyStore", { CustomKeyStoreId: id }, target);
  const fix =
    "disconnect before the apply and connect after it (the store's KMS keys are unusable in between): "
    + `${disconnect} && terraform apply tfplan && ${connect}; `
    + "or run the change with `xks-harness update --allow-disconnect`, which checks the new values first";
  const why =
    `the provider sends UpdateCustomKeyStore with ${params.join(", ")} without disconnecting first, `
    + `and KMS changes ${params.length > 1 ? "them" : "it"} only on a DISCONNECTED store`;
  const base = { id: "needs-disconnected", exception: "CustomKeyStoreInvalidStateException", fix } as const;
  const known = ctx.kms?.ok ? ctx.kms.stores.find((k) => k.id === id) : undefined;
  if (known && known.state === "DISCONNECTED") return undefined;
  if (known) return { ...base, severity: "fail", detail: `${why}; KMS says store ${id} is ${known.state}` };
  const unread = !ctx.kms
    ? "no KMS access to read its ConnectionState (give --kms-endpoint, --profile or AWS credentials)"
    : ctx.kms.ok
      ? `KMS has no store ${id} in ${ctx.region}`
      : ctx.kms.reason;
  return { ...base, severity: "warn", detail: `${why}: if the store is CONNECTED the apply fails (${unread})` };
}

/** KMS updates a store only when it is CONNECTED or DISCONNECTED (a FAILED one must be disconnected first). */
function stateRisk(s: PlannedStore, ctx: RiskContext): ApplyRisk | undefined {
  if (s.action !== "update" || !ctx.kms?.ok) return undefined;
  const known = ctx.kms.stores.find((k) => k.id === s.before?.id);
  if (!known || known.state === "CONNECTED" || known.state === "DISCONNECTED") return undefined;
  const target = { ...ctx.aws, region: ctx.region };
  const disconnect = awsKmsLine("DisconnectCustomKeyStore", { CustomKeyStoreId: known.id }, target);
  const code = known.connectionErrorCode ? ` (${known.connectionErrorCode})` : "";
  return {
    id: "store-state",
    severity: "fail",
    exception: "CustomKeyStoreInvalidStateException",
    detail: `KMS says store ${known.id} is ${known.state}${code}; `
      + "KMS updates a store only when it is CONNECTED or DISCONNECTED",
    fix: known.state === "FAILED"
      ? `disconnect it first (${disconnect}), apply, then connect it again`
      : "wait until the store settles (CONNECTED or DISCONNECTED), then plan again",
  };
}

const REPLACE_FIX =
  "find the attribute the plan marks `# forces replacement` and change it in place instead (endpoint, path and "
  + "credential need no replacement: `xks-harness update`), and add `lifecycle { prevent_destroy = true }` to the "
  + "store";
const DELETE_FIX =
  "if the store must stay, take it out of Terraform without destroying it (`removed { from = … lifecycle { destroy = "
  + "false } }`, or `terraform state rm`); delete it only after its KMS keys are deleted and no ciphertext under them "
  + "is needed";

function replaceRisk(s: PlannedStore, keyIds: string[]): ApplyRisk | undefined {
  if (s.action !== "replace" && s.action !== "delete") return undefined;
  const keys = keyIds.length ? ` The plan has KMS keys in it (xks_key_id ${keyIds.join(", ")}).` : "";
  const doing = s.action === "replace"
    ? `Terraform replaces this store (${s.actions.join(" then ")}): DeleteCustomKeyStore, then a new store with a `
      + "new id"
    : "Terraform deletes this store (DeleteCustomKeyStore)";
  return {
    id: s.action === "replace" ? "replace-external-key-store" : "delete-external-key-store",
    severity: "fail",
    exception: "CustomKeyStoreHasCMKsException",
    detail:
      `${doing}. KMS refuses to delete a store that still has KMS keys (CustomKeyStoreHasCMKsException), and one `
      + "that is not DISCONNECTED (CustomKeyStoreInvalidStateException). Where it goes through, its KMS keys are "
      + "gone: a KMS key cannot move to another store, so every ciphertext made under them can never be decrypted "
      + `again.${keys}`,
    fix: s.action === "replace" ? REPLACE_FIX : DELETE_FIX,
  };
}

const CREDENTIAL_FIX =
  "rotate with `xks-harness update` (it checks the new credential before UpdateCustomKeyStore), then keep Terraform "
  + "from sending it again: `lifecycle { ignore_changes = [xks_proxy_authentication_credential] }` on the store "
  + "(docs/terraform.md)";

function credentialRisk(s: PlannedStore, ctx: RiskContext): ApplyRisk | undefined {
  if (!credentialChanges(s)) return undefined;
  const trap = PROVIDER_TRAPS.find((t) => t.trigger === "credential-update" && t.provider === "hashicorp/aws")!;
  const base = { id: trap.id, exception: null, fix: CREDENTIAL_FIX };
  const version = ctx.provider?.version;
  if (version && !versionAffected(trap, version)) return undefined;
  const changes = "the plan changes xks_proxy_authentication_credential";
  if (version) {
    const detail = `${changes}, and hashicorp/aws ${version} (${ctx.provider!.file}): ${trap.effect}; ${trap.evidence}`;
    return { ...base, severity: "fail", detail };
  }
  const where = ctx.provider
    ? `${ctx.provider.file} pins no hashicorp/aws version`
    : "no .terraform.lock.hcl here (give --terraform-lock FILE)";
  const detail = `${changes}; the provider version is unknown (${where}), and every known hashicorp/aws version `
    + `crashes on it: ${trap.effect}`;
  return { ...base, severity: "warn", detail };
}

/** A store's values after the apply, or undefined when it will not exist (deleted) or is not external. */
function afterApply(s: PlannedStore): StoreValues | undefined {
  if (!s.external || s.action === "delete") return undefined;
  return s.action === "unchanged" ? (s.after ?? s.before) : s.after;
}

/** The other stores of the region after the apply: the plan's, and the account's that the plan does not manage. */
function occupants(s: PlannedStore, ctx: RiskContext): Occupant[] {
  const planIds = new Set(ctx.all.map((o) => o.before?.id).filter(Boolean));
  const others: Occupant[] = ctx.all
    .filter((o) => o !== s && (o.region ?? ctx.region) === ctx.region)
    .flatMap((o) => {
      const v = afterApply(o);
      return v ? [{ label: `${o.address} (in this plan)`, values: v }] : [];
    });
  if (ctx.kms?.ok) {
    for (const k of ctx.kms.stores) {
      if (k.id === s.before?.id || planIds.has(k.id)) continue;
      others.push({ label: `${k.id} (${k.name}, in the account)`, values: storeValuesOf(k) });
    }
  }
  return others;
}

const isPublic = (v: StoreValues) => (v.connectivity ?? "PUBLIC_ENDPOINT") === "PUBLIC_ENDPOINT";

/** The uniqueness rules of Create/UpdateCustomKeyStore (KMS API reference: the *InUseException errors). */
function collisionRisks(s: PlannedStore, ctx: RiskContext): ApplyRisk[] {
  const mine = afterApply(s);
  if (!mine || s.action === "unchanged" || !mine.endpoint) return [];
  const others = occupants(s, ctx);
  const risks: ApplyRisk[] = [];
  const fail = (id: string, exception: string, detail: string, fix: string) =>
    risks.push({ id, severity: "fail", exception, detail, fix });
  const pair = others.find((o) => o.values.endpoint === mine.endpoint && o.values.path === mine.path);
  if (pair) {
    fail("uri-in-use", "XksProxyUriInUseException",
      `${pair.label} uses the same endpoint and path ${mine.endpoint}${mine.path}: each external key store of a `
      + "region needs its own", "give each store its own XksProxyUriPath (or endpoint)");
  }
  const samePublic = (o: Occupant) => o !== pair && isPublic(o.values) && o.values.endpoint === mine.endpoint;
  const endpoint = isPublic(mine) && others.find(samePublic);
  if (endpoint) {
    fail("uri-endpoint-in-use", "XksProxyUriEndpointInUseException",
      `${endpoint.label} uses the same public endpoint ${mine.endpoint}`,
      "give each PUBLIC_ENDPOINT store its own XksProxyUriEndpoint");
  }
  if (mine.connectivity === "VPC_ENDPOINT_SERVICE" && mine.vpcEndpointServiceName) {
    // A missing owner matches: a service name is unique in its region (as update's check reads it).
    const sameOwner = (v: StoreValues) =>
      !v.vpcEndpointServiceOwner || !mine.vpcEndpointServiceOwner
      || v.vpcEndpointServiceOwner === mine.vpcEndpointServiceOwner;
    const svc = others.find((o) => o.values.connectivity === "VPC_ENDPOINT_SERVICE"
      && o.values.vpcEndpointServiceName === mine.vpcEndpointServiceName && sameOwner(o.values));
    if (svc) {
      fail("vpc-endpoint-service-in-use", "XksProxyVpcEndpointServiceInUseException",
        `${svc.label} uses the same VPC endpoint service ${mine.vpcEndpointServiceName}`,
        "give each VPC_ENDPOINT_SERVICE store its own VPC endpoint service");
    }
  }
  return risks;
}

function storeValuesOf(k: StoreSnapshot): StoreValues {
  const { endpoint, path, connectivity, vpcEndpointServiceName, vpcEndpointServiceOwner, accessKeyId, id, name } = k;
  return { endpoint, path, connectivity, vpcEndpointServiceName, vpcEndpointServiceOwner, accessKeyId, id, name };
}

function connectivityRisk(s: PlannedStore): ApplyRisk | undefined {
  if (s.action !== "create" && s.action !== "replace") return undefined;
  if (s.after?.connectivity || s.unknown.includes("connectivity")) return undefined;
  return {
    id: "connectivity-missing",
    severity: "fail",
    exception: "ValidationException",
    detail: "xks_proxy_connectivity is not set: CreateCustomKeyStore of an EXTERNAL_KEY_STORE requires "
      + "XksProxyConnectivity",
    fix: 'set xks_proxy_connectivity = "PUBLIC_ENDPOINT" (or "VPC_ENDPOINT_SERVICE" with '
      + "xks_proxy_vpc_endpoint_service_name)",
  };
}

/** Every apply risk of one external store, failures first. */
export function applyRisks(s: PlannedStore, keyIds: string[], ctx: RiskContext): ApplyRisk[] {
  const found = [
    stateRisk(s, ctx) ?? disconnectRisk(s, ctx),
    replaceRisk(s, keyIds),
    credentialRisk(s, ctx),
    connectivityRisk(s),
    ...collisionRisks(s, ctx),
  ];
  const risks = found.filter((r): r is ApplyRisk => r !== undefined);
  return [...risks.filter((r) => r.severity === "fail"), ...risks.filter((r) => r.severity === "warn")];
}
