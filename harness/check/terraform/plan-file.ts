/**
 * @module harness/check/terraform/plan-file
 * Reads the output of `terraform show -json tfplan` (or `tofu show -json tfplan`) and refuses what is not one,
 * saying what the file is and the command that makes the right one. Terraform's "JSON Output Format" rules:
 * accept every 1.x `format_version`, ignore unknown fields, reject another major version.
 */
import { readFileSync } from "node:fs";
import { UsageError } from "../../common/usage-error.js";

/** How to make the file this command reads, for every refusal. */
export const MAKE_PLAN_JSON = "terraform plan -out=tfplan && terraform show -json tfplan > plan.json (or tofu …)";

/** A plan file larger than this is refused: a real plan of a few key stores is kilobytes. */
export const MAX_PLAN_BYTES = 256 * 1024 * 1024;

/** The parts of the plan representation this command reads (Terraform's "JSON Output Format"). */
export interface PlanChange {
  actions: string[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  after_unknown?: unknown;
}

export interface ResourceChange {
  address: string;
  module_address?: string;
  mode: string;
  type: string;
  name: string;
  index?: string | number;
  provider_name?: string;
  change: PlanChange;
}

export interface ConfigResource {
  address: string;
  mode: string;
  type: string;
  name: string;
  provider_config_key?: string;
  expressions?: Record<string, unknown>;
}

export interface ConfigModule {
  resources?: ConfigResource[];
  module_calls?: Record<string, { module?: ConfigModule; providers?: unknown }>;
}

export interface TerraformPlan {
  formatVersion: string;
  terraformVersion: string | null;
  resourceChanges: ResourceChange[];
  providerConfig: Record<string, { name?: string; full_name?: string; expressions?: Record<string, unknown> }>;
  rootModule: ConfigModule;
  /** The parsed document, for the secret scan (every string a secret may hide in). */
  raw: unknown;
}

/** The file's text: `-` is stdin. A file that cannot be read is bad usage. */
export function readPlanText(file: string): string {
  try {
    const text = readFileSync(file === "-" ? 0 : file, "utf8");
    if (Buffer.byteLength(text) > MAX_PLAN_BYTES) {
      throw new UsageError(`--terraform-plan ${file} is larger than ${MAX_PLAN_BYTES} bytes: not a plan of key stores`);
    }
    return text;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new UsageError(`cannot read --terraform-plan ${file}: ${code}. Fix: give the JSON of ${MAKE_PLAN_JSON}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** What a JSON document that is not a plan looks like, in words, or undefined when it may be a plan. */
function notAPlan(doc: Record<string, unknown>): string | undefined {
  // A raw state file (terraform.tfstate) carries "version": 4, "serial" and "lineage".
  if ("lineage" in doc || ("serial" in doc && "version" in doc)) {
    return "a Terraform state file (terraform.tfstate), not a plan";
  }
  // `terraform show -json` of a state (no plan file given) has values but no resource_changes or planned_values.
  if ("values" in doc && !("planned_values" in doc) && !("resource_changes" in doc)) {
    return "the JSON of a state (`terraform show -json` without a plan file), not of a plan";
  }
  if (!("format_version" in doc)) return "JSON without format_version: not the output of `terraform show -json`";
  return undefined;
}

/** Parses and validates the plan JSON; `name` names the file in messages. */
export function parsePlan(text: string, name: string): TerraformPlan {
  const fix = `Fix: ${MAKE_PLAN_JSON}, then pass plan.json`;
  if (text.trim() === "") throw new UsageError(`--terraform-plan ${name} is empty. ${fix}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const t = text.trimStart();
    const what = t.startsWith("{") || t.startsWith("[")
      ? "JSON that ends early (truncated: was the file cut off, or the command interrupted?)"
      : text.startsWith("PK") ? "a binary plan file (tfplan), not its JSON" : "not JSON";
    throw new UsageError(`--terraform-plan ${name} is ${what}. ${fix}`);
  }
  if (!isObject(doc)) {
    const what = "JSON but not an object: not the output of `terraform show -json`";
    throw new UsageError(`--terraform-plan ${name} is ${what}. ${fix}`);
  }
  const other = notAPlan(doc);
  if (other) throw new UsageError(`--terraform-plan ${name} is ${other}. ${fix}`);
  const version = doc.format_version;
  const major = typeof version === "string" ? /^(\d+)\.\d+/.exec(version)?.[1] : undefined;
  if (major !== "1") {
    throw new UsageError(
      `--terraform-plan ${name} has format_version ${JSON.stringify(version)}; this harness reads format 1.x `
        + `(Terraform/OpenTofu 1.x). Fix: make the JSON with a Terraform or OpenTofu 1.x: ${MAKE_PLAN_JSON}`,
    );
  }
  if (!("resource_changes" in doc) && !("planned_values" in doc)) {
    throw new UsageError(`--terraform-plan ${name} has no resource_changes or planned_values: not a plan. ${fix}`);
  }
  const changes = doc.resource_changes ?? [];
  if (!Array.isArray(changes)) throw new UsageError(`--terraform-plan ${name}: resource_changes is not a list. ${fix}`);
  const configuration = isObject(doc.configuration) ? doc.configuration : {};
  return {
    formatVersion: version as string,
    terraformVersion: typeof doc.terraform_version === "string" ? doc.terraform_version : null,
    resourceChanges: changes.filter(isResourceChange),
    providerConfig: isObject(configuration.provider_config)
      ? (configuration.provider_config as TerraformPlan["providerConfig"])
      : {},
    rootModule: isObject(configuration.root_module) ? (configuration.root_module as ConfigModule) : {},
    raw: doc,
  };
}

function isResourceChange(v: unknown): v is ResourceChange {
  if (!isObject(v) || typeof v.address !== "string" || typeof v.type !== "string" || !isObject(v.change)) return false;
  const c = v.change;
  return Array.isArray(c.actions) && c.actions.every((a) => typeof a === "string");
}
