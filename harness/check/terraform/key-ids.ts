/**
 * @module harness/check/terraform/key-ids
 * The external keys of a store, from the plan: every `aws_kms_key` whose `custom_key_store_id` is the store's id
 * (known for a store that exists), or whose configuration references the store resource (a store being created).
 */
import type { ResourceChange, TerraformPlan } from "./plan-file.js";
import { configOf, STORE_TYPE, type PlannedStore } from "./stores.js";

const KEY_TYPE = "aws_kms_key";
/** aws_kms_custom_key_store.NAME, optionally [KEY], at the start of a reference. */
const STORE_REFERENCE = new RegExp(`^${STORE_TYPE}\\.([A-Za-z0-9_-]+)(\\[[^\\]]+\\])?`);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The store instance address a key's configuration points at, or undefined. */
function referencedStore(plan: TerraformPlan, key: ResourceChange): string | undefined {
  const expr = configOf(plan, key)?.expressions?.custom_key_store_id;
  const all: unknown[] = isObject(expr) && Array.isArray(expr.references) ? expr.references : [];
  const refs = all.filter((r): r is string => typeof r === "string");
  // Terraform lists the most precise reference first: aws_kms_custom_key_store.s["x"].id, then .s["x"], then .s.
  const ref = refs.map((r) => STORE_REFERENCE.exec(r)).find((m) => m !== null);
  if (!ref) return undefined;
  const prefix = key.module_address ? `${key.module_address}.` : "";
  if (ref[2]) return `${prefix}${STORE_TYPE}.${ref[1]}${ref[2]}`;
  // s[count.index] / s[each.key]: the key's own index selects the store's instance.
  const byIndex = refs.some((r) => r === "count.index" || r.startsWith("each."));
  if (byIndex && key.index !== undefined) return `${prefix}${STORE_TYPE}.${ref[1]}[${JSON.stringify(key.index)}]`;
  return `${prefix}${STORE_TYPE}.${ref[1]}`;
}

/** The xks_key_id of every aws_kms_key of the plan that lives (or will live) in `store`, sorted, unique. */
export function planKeyIds(plan: TerraformPlan, store: PlannedStore): string[] {
  const ids = new Set<string>();
  const storeId = store.before?.id ?? store.after?.id;
  for (const rc of plan.resourceChanges) {
    if (rc.type !== KEY_TYPE || rc.mode !== "managed") continue;
    const v = rc.change.after ?? rc.change.before;
    const xksKeyId = v && typeof v.xks_key_id === "string" ? v.xks_key_id : undefined;
    if (!xksKeyId) continue;
    const byId = storeId !== undefined && v!.custom_key_store_id === storeId;
    const inStore = byId || referencedStore(plan, rc) === store.address;
    if (inStore) ids.add(xksKeyId);
  }
  return [...ids].sort();
}
