/**
 * Plan JSON written to Terraform's documented "JSON Output Format" (format_version 1.2, as Terraform 1.11 writes
 * it): `resource_changes` with before/after/after_unknown/before_sensitive/after_sensitive, `prior_state`, and
 * `configuration` with provider blocks, module calls and the references Terraform records. For the
 * `check --terraform-plan` tests; the real-Terraform test proves the same shapes come from `terraform show -json`.
 */
import type { XksCredential } from "../../src/xks/sigv4/sign.js";

/** A store's values as the hashicorp/aws resource holds them. */
export interface StoreAttrs {
  endpoint?: string | null;
  path?: string | null;
  credential?: XksCredential | null;
  connectivity?: string | null;
  vpcEndpointServiceName?: string | null;
  id?: string;
  name?: string;
  type?: "EXTERNAL_KEY_STORE" | "AWS_CLOUDHSM";
}

export interface StoreSpec {
  /** Resource name, e.g. "main". */
  name: string;
  /** "module.a[0]" etc. @default root */
  module?: string;
  index?: string | number;
  actions: string[];
  before?: StoreAttrs | null;
  after?: StoreAttrs | null;
  /** after_unknown as Terraform writes it; default: id unknown on create. */
  afterUnknown?: Record<string, unknown>;
  /** provider_config_key. @default "aws" */
  provider?: string;
}

export interface KeySpec {
  name: string;
  module?: string;
  index?: string | number;
  xksKeyId: string;
  /** custom_key_store_id when known (a store that exists). */
  storeId?: string;
  /** The references Terraform records for custom_key_store_id, e.g. ["aws_kms_custom_key_store.main.id", "aws_kms_custom_key_store.main"]. */
  references?: string[];
  actions?: string[];
}

export interface PlanSpec {
  stores: StoreSpec[];
  keys?: KeySpec[];
  /** Constant region of provider "aws" (absent: a variable, so no constant). */
  region?: string | null;
  /** More provider blocks, by key, with a constant region. */
  providers?: Record<string, string>;
  formatVersion?: string;
}

export function storeObject(a: StoreAttrs): Record<string, unknown> {
  return {
    cloud_hsm_cluster_id: null,
    custom_key_store_name: a.name ?? "store",
    custom_key_store_type: a.type ?? "EXTERNAL_KEY_STORE",
    id: a.id ?? null,
    key_store_password: null,
    timeouts: null,
    trust_anchor_certificate: null,
    xks_proxy_authentication_credential: a.credential ? [{ access_key_id: a.credential.accessKeyId, raw_secret_access_key: a.credential.secretAccessKey }] : [],
    xks_proxy_connectivity: a.connectivity === undefined ? "PUBLIC_ENDPOINT" : a.connectivity,
    xks_proxy_uri_endpoint: a.endpoint ?? null,
    xks_proxy_uri_path: a.path ?? null,
    xks_proxy_vpc_endpoint_service_name: a.vpcEndpointServiceName ?? null,
  };
}

const addressOf = (type: string, name: string, module?: string, index?: string | number) =>
  `${module ? `${module}.` : ""}${type}.${name}${index === undefined ? "" : `[${JSON.stringify(index)}]`}`;

/** module.a[0].module.b → ["a", "b"] */
const modulePath = (module?: string) => (module ? [...module.matchAll(/module\.([A-Za-z0-9_-]+)/g)].map((m) => m[1]!) : []);

interface ConfigModule {
  resources: Record<string, unknown>[];
  module_calls?: Record<string, { source: string; module: ConfigModule }>;
}

function moduleAt(root: ConfigModule, path: string[]): ConfigModule {
  let m = root;
  for (const name of path) {
    m.module_calls ??= {};
    m.module_calls[name] ??= { source: `./modules/${name}`, module: { resources: [] } };
    m = m.module_calls[name]!.module;
  }
  return m;
}

function addConfig(root: ConfigModule, module: string | undefined, resource: Record<string, unknown>): void {
  const m = moduleAt(root, modulePath(module));
  if (!m.resources.some((r) => r.address === resource.address)) m.resources.push(resource);
}

function sensitiveOf(v: Record<string, unknown> | null): unknown {
  // The provider marks nothing sensitive: Terraform writes empty objects for the nested block, false when absent.
  return v ? { xks_proxy_authentication_credential: (v.xks_proxy_authentication_credential as unknown[]).map(() => ({})) } : false;
}

/** The whole plan document. */
export function planFixture(spec: PlanSpec): Record<string, unknown> {
  const root: ConfigModule = { resources: [] };
  const resourceChanges: Record<string, unknown>[] = [];
  const priorResources: Record<string, unknown>[] = [];
  for (const s of spec.stores) {
    const before = s.before ? storeObject(s.before) : null;
    const after = s.after ? storeObject(s.after) : null;
    const address = addressOf("aws_kms_custom_key_store", s.name, s.module, s.index);
    resourceChanges.push({
      address,
      ...(s.module ? { module_address: s.module } : {}),
      mode: "managed",
      type: "aws_kms_custom_key_store",
      name: s.name,
      ...(s.index === undefined ? {} : { index: s.index }),
      provider_name: "registry.terraform.io/hashicorp/aws",
      change: {
        actions: s.actions,
        before,
        after,
        after_unknown: s.afterUnknown ?? (s.actions.includes("create") ? { id: true, xks_proxy_authentication_credential: [{}] } : { xks_proxy_authentication_credential: [{}] }),
        before_sensitive: sensitiveOf(before),
        after_sensitive: sensitiveOf(after),
      },
      ...(s.actions.join(",") === "delete,create" ? { action_reason: "replace_because_cannot_update" } : {}),
    });
    if (before) priorResources.push({ address, mode: "managed", type: "aws_kms_custom_key_store", name: s.name, provider_name: "registry.terraform.io/hashicorp/aws", schema_version: 0, values: before, sensitive_values: {} });
    const a = s.after ?? s.before ?? {};
    addConfig(root, s.module, {
      address: `aws_kms_custom_key_store.${s.name}`,
      mode: "managed",
      type: "aws_kms_custom_key_store",
      name: s.name,
      provider_config_key: s.provider ?? "aws",
      expressions: {
        custom_key_store_name: { constant_value: a.name ?? "store" },
        xks_proxy_uri_endpoint: { constant_value: a.endpoint ?? null },
        ...(a.credential ? { xks_proxy_authentication_credential: [{ access_key_id: { constant_value: a.credential.accessKeyId }, raw_secret_access_key: { references: ["var.xks_secret"] } }] } : {}),
      },
      schema_version: 0,
      ...(s.index === undefined ? {} : typeof s.index === "number" ? { count_expression: { constant_value: 2 } } : { for_each_expression: { references: ["var.stores"] } }),
    });
  }
  for (const k of spec.keys ?? []) {
    const values = { custom_key_store_id: k.storeId ?? null, xks_key_id: k.xksKeyId, description: "", deletion_window_in_days: 7 };
    const actions = k.actions ?? (k.storeId ? ["no-op"] : ["create"]);
    resourceChanges.push({
      address: addressOf("aws_kms_key", k.name, k.module, k.index),
      ...(k.module ? { module_address: k.module } : {}),
      mode: "managed",
      type: "aws_kms_key",
      name: k.name,
      ...(k.index === undefined ? {} : { index: k.index }),
      provider_name: "registry.terraform.io/hashicorp/aws",
      change: { actions, before: actions.includes("create") ? null : values, after: values, after_unknown: k.storeId ? {} : { custom_key_store_id: true, arn: true }, before_sensitive: actions.includes("create") ? false : {}, after_sensitive: {} },
    });
    addConfig(root, k.module, {
      address: `aws_kms_key.${k.name}`,
      mode: "managed",
      type: "aws_kms_key",
      name: k.name,
      provider_config_key: "aws",
      expressions: { custom_key_store_id: k.references ? { references: k.references } : { constant_value: k.storeId ?? null }, xks_key_id: { constant_value: k.xksKeyId } },
      schema_version: 0,
    });
  }
  const providerConfig: Record<string, unknown> = {
    aws: { name: "aws", full_name: "registry.terraform.io/hashicorp/aws", expressions: spec.region === null || spec.region === undefined ? { region: { references: ["var.region"] } } : { region: { constant_value: spec.region } } },
  };
  for (const [key, region] of Object.entries(spec.providers ?? {})) {
    providerConfig[key] = { name: "aws", full_name: "registry.terraform.io/hashicorp/aws", alias: key.split(".")[1], expressions: { region: { constant_value: region } } };
  }
  return {
    format_version: spec.formatVersion ?? "1.2",
    terraform_version: "1.11.4",
    variables: { xks_secret: { value: "(set in the fixture's stores)" } },
    planned_values: { root_module: {} },
    resource_changes: resourceChanges,
    prior_state: { format_version: "1.0", terraform_version: "1.11.4", values: { root_module: { resources: priorResources } } },
    configuration: { provider_config: providerConfig, root_module: root },
    relevant_attributes: [],
    // A field a future 1.x may add: ignored.
    future_field_of_a_later_minor: { anything: true },
    timestamp: "2026-01-01T00:00:00Z",
    applyable: true,
    complete: true,
    errored: false,
  };
}
