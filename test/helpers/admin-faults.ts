/**
 * The mock's admin API as tests use it: add a fault rule to a keystore, clear them all, and the Authorization
 * header every admin request needs. One place for every test that makes the proxy misbehave on purpose.
 */
import type { FaultRuleInput } from "../../src/proxy/fault-rule.js";

interface HasAdmin {
  adminUrl?: string | undefined;
  adminToken?: string | undefined;
}

/** The admin API's Authorization header for this proxy. */
export function adminAuth(proxy: HasAdmin): { authorization: string } {
  if (!proxy.adminToken) throw new Error("this proxy has no admin token (admin API off?)");
  return { authorization: `Bearer ${proxy.adminToken}` };
}

export async function addFault(proxy: HasAdmin, keystore: string, rule: FaultRuleInput): Promise<void> {
  const res = await fetch(`${proxy.adminUrl}/faults/${keystore}`, { method: "POST", headers: { "content-type": "application/json", ...adminAuth(proxy) }, body: JSON.stringify(rule) });
  if (res.status !== 201) throw new Error(`adding fault ${JSON.stringify(rule)}: HTTP ${res.status} ${await res.text()}`);
}

export async function clearFaults(proxy: HasAdmin): Promise<void> {
  const res = await fetch(`${proxy.adminUrl}/faults`, { method: "DELETE", headers: adminAuth(proxy) });
  if (res.status !== 200) throw new Error(`clearing faults: HTTP ${res.status}`);
}
