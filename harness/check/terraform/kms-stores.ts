/**
 * @module harness/check/terraform/kms-stores
 * The key stores KMS has now, per region of the plan (DescribeCustomKeyStores, read-only), for the apply risks
 * that depend on a store's ConnectionState and on the other stores of the account. Read only with KMS access:
 * --kms-endpoint, --profile or credentials in the environment; without it the risks are warnings.
 */
import { hasCredentials } from "../../common/aws-credentials.js";
import type { StoreSnapshot } from "../../update/plan.js";
import { withTimeout } from "../context.js";

export interface KmsAccess {
  endpoint?: string | undefined;
  profile?: string | undefined;
  env: NodeJS.ProcessEnv;
}

/** What KMS said for one region: its stores, or why they could not be read. */
export type RegionStores = { ok: true; stores: StoreSnapshot[] } | { ok: false; reason: string };

/** KMS access when a flag or the environment gives some; undefined: no KMS call is made. */
export function kmsAccessOf(
  f: { kmsEndpoint?: string | undefined; profile?: string | undefined },
  env: NodeJS.ProcessEnv,
): KmsAccess | undefined {
  if (f.kmsEndpoint || f.profile || hasCredentials(env, undefined)) {
    return { endpoint: f.kmsEndpoint, profile: f.profile, env };
  }
  return undefined;
}

/** Every store of each region (DescribeCustomKeyStores pages), each region bounded by `timeoutMs`. */
export async function readRegions(
  access: KmsAccess,
  regions: string[],
  timeoutMs: number,
): Promise<Map<string, RegionStores>> {
  // Loaded here: the SDK is not needed by a plan without changed stores.
  const [{ createKmsClient }, { allStores }] = await Promise.all([
    import("../../update/kms-client.js"),
    import("../../update/run-update.js"),
  ]);
  const out = new Map<string, RegionStores>();
  await Promise.all(
    regions.map(async (region) => {
      const kms = createKmsClient({ region, endpoint: access.endpoint, profile: access.profile }, access.env);
      try {
        const stores = await withTimeout(allStores(kms), timeoutMs, `DescribeCustomKeyStores in ${region}`);
        out.set(region, { ok: true, stores });
      } catch (err) {
        const e = err as { name?: string; message?: string };
        const why = `${e.name ?? "Error"}: ${(e.message ?? String(err)).slice(0, 300)}`;
        out.set(region, { ok: false, reason: `DescribeCustomKeyStores in ${region} failed: ${why}` });
      } finally {
        kms.destroy();
      }
    }),
  );
  return out;
}

