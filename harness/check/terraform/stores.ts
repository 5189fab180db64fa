/**
 * @module harness/check/terraform/stores
 * Which `aws_kms_custom_key_store` instances a plan changes, and how: the resource's attributes mapped to the
 * UpdateCustomKeyStore parameters they carry (hashicorp/aws; OpenTofu reads the same provider, Pulumi bridges it).
 */
import type { ConfigModule, ConfigResource, ResourceChange, TerraformPlan } from "./plan-file.js";

export const STORE_TYPE = "aws_kms_custom_key_store";

/** What the plan does to a store, as the report names it. */
export type StoreAction = "create" | "update" | "replace" | "delete" | "unchanged";

/** The attribute each KMS parameter comes from; `credential` ones sit in xks_proxy_authentication_credential[0]. */
export const STORE_ATTRIBUTES = {
  endpoint: { attribute: "xks_proxy_uri_endpoint", parameter: "XksProxyUriEndpoint" },
  path: { attribute: "xks_proxy_uri_path", parameter: "XksProxyUriPath" },
  connectivity: { attribute: "xks_proxy_connectivity", parameter: "XksProxyConnectivity" },
  vpcEndpointServiceName: {
    attribute: "xks_proxy_vpc_endpoint_service_name",
    parameter: "XksProxyVpcEndpointServiceName",
  },
  // No hashicorp/aws version up to 5.100.0 has it; read when a version adds it under this name.
  vpcEndpointServiceOwner: {
    attribute: "xks_proxy_vpc_endpoint_service_owner",
    parameter: "XksProxyVpcEndpointServiceOwner",
  },
  accessKeyId: {
    attribute: "xks_proxy_authentication_credential[0].access_key_id",
    parameter: "XksProxyAuthenticationCredential.AccessKeyId",
  },
  secretAccessKey: {
    attribute: "xks_proxy_authentication_credential[0].raw_secret_access_key",
    parameter: "XksProxyAuthenticationCredential.RawSecretAccessKey",
  },
} as const;

export type StoreField = keyof typeof STORE_ATTRIBUTES;
export type StoreValues = Partial<Record<StoreField, string>> & {
  id?: string;
  name?: string;
  type?: string;
  region?: string;
};

export interface PlannedStore {
  address: string;
  /** module.a[0] or "" (root). */
  moduleAddress: string;
  action: StoreAction;
  /** The plan's own actions, e.g. ["delete","create"]. */
  actions: string[];
  /** AWS_CLOUDHSM stores are listed, not checked. */
  external: boolean;
  before?: StoreValues | undefined;
  after?: StoreValues | undefined;
  /** Fields whose planned value is known only after apply. */
  unknown: StoreField[];
  /** The region from the resource (provider 6's `region`) or its provider block; undefined: --region. */
  region?: string | undefined;
  config?: ConfigResource | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export function actionOf(actions: string[]): StoreAction {
  const a = actions.join(",");
  if (a === "create") return "create";
  if (a === "update") return "update";
  if (a === "delete,create" || a === "create,delete") return "replace";
  if (a === "delete") return "delete";
  // no-op, read, and Terraform 1.7's forget (removed from state, left in AWS)
  return "unchanged";
}

/** The KMS-facing values of a `before` or `after` object. */
export function valuesOf(obj: Record<string, unknown> | null | undefined): StoreValues | undefined {
  if (!obj) return undefined;
  const block = obj.xks_proxy_authentication_credential;
  const cred: unknown = Array.isArray(block) ? block[0] : undefined;
  const c = isObject(cred) ? cred : {};
  const v: StoreValues = {
    endpoint: str(obj.xks_proxy_uri_endpoint),
    path: str(obj.xks_proxy_uri_path),
    connectivity: str(obj.xks_proxy_connectivity),
    vpcEndpointServiceName: str(obj.xks_proxy_vpc_endpoint_service_name),
    vpcEndpointServiceOwner: str(obj.xks_proxy_vpc_endpoint_service_owner),
    accessKeyId: str(c.access_key_id),
    secretAccessKey: str(c.raw_secret_access_key),
    id: str(obj.id),
    name: str(obj.custom_key_store_name),
    type: str(obj.custom_key_store_type),
    region: str(obj.region),
  };
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== "")) as StoreValues;
}

/** Fields `after_unknown` marks: a whole credential block unknown makes both parts unknown. */
export function unknownFields(afterUnknown: unknown): StoreField[] {
  if (!isObject(afterUnknown)) return afterUnknown === true ? (Object.keys(STORE_ATTRIBUTES) as StoreField[]) : [];
  const out: StoreField[] = [];
  for (const [field, { attribute }] of Object.entries(STORE_ATTRIBUTES) as [StoreField, { attribute: string }][]) {
    if (!attribute.startsWith("xks_proxy_authentication_credential")) {
      if (afterUnknown[attribute] === true) out.push(field);
      continue;
    }
    const block = afterUnknown.xks_proxy_authentication_credential;
    const first = Array.isArray(block) ? block[0] : undefined;
    const part = field === "accessKeyId" ? "access_key_id" : "raw_secret_access_key";
    if (block === true || first === true || (isObject(first) && first[part] === true)) out.push(field);
  }
  return out;
}

/** module.a[0].module.b["x"] → ["a", "b"]: the configuration's module path (no instance keys). */
export function modulePath(moduleAddress: string | undefined): string[] {
  if (!moduleAddress) return [];
  return [...moduleAddress.matchAll(/module\.([A-Za-z0-9_-]+)(\[[^\]]*\])?/g)].map((m) => m[1]!);
}

/** The configuration module at a path, or undefined. */
export function configModule(plan: TerraformPlan, path: string[]): ConfigModule | undefined {
  let m: ConfigModule | undefined = plan.rootModule;
  for (const name of path) m = m?.module_calls?.[name]?.module;
  return m;
}

/** The configuration block of a resource change (its address without module and index). */
export function configOf(plan: TerraformPlan, rc: ResourceChange): ConfigResource | undefined {
  const m = configModule(plan, modulePath(rc.module_address));
  return m?.resources?.find((r) => r.mode === rc.mode && r.type === rc.type && r.name === rc.name);
}

/** A constant region of the provider block a resource uses; a region from a variable is not constant here. */
function providerRegion(plan: TerraformPlan, config: ConfigResource | undefined): string | undefined {
  const key = config?.provider_config_key ?? "aws";
  const p = plan.providerConfig[key] ?? plan.providerConfig[key.replace(/^.*:/, "")];
  const region = p?.expressions?.region;
  return isObject(region) ? str(region.constant_value) : undefined;
}

/** Every managed aws_kms_custom_key_store instance of the plan, at any module depth, with count/for_each index. */
export function selectStores(plan: TerraformPlan): PlannedStore[] {
  return plan.resourceChanges
    .filter((rc) => rc.type === STORE_TYPE && rc.mode === "managed")
    .map((rc) => {
      const before = valuesOf(rc.change.before);
      const after = valuesOf(rc.change.after);
      const config = configOf(plan, rc);
      const type = after?.type ?? before?.type;
      return {
        address: rc.address,
        moduleAddress: rc.module_address ?? "",
        action: actionOf(rc.change.actions),
        actions: rc.change.actions,
        // The provider's default type is AWS_CLOUDHSM; an unknown type with XKS attributes is treated as external.
        external: type === "EXTERNAL_KEY_STORE" || (type === undefined && !!(after?.endpoint ?? before?.endpoint)),
        before,
        after,
        unknown: unknownFields(rc.change.after_unknown),
        region: after?.region ?? before?.region ?? providerRegion(plan, config),
        config,
      };
    });
}
