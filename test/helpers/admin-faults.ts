/**
 * The mock's admin API as tests use it: add a fault rule to a keystore, clear them all. One place for every test
 * that makes the proxy misbehave on purpose.
 */
import type { FaultRuleInput } from "../../src/proxy/fault-rule.js";

interface HasAdmin {
  adminUrl?: string | undefined;
}

export async function addFault(proxy: HasAdmin, keystore: string, rule: FaultRuleInput): Promise<void> {
  const res = await fetch(`${proxy.adminUrl}/faults/${keystore}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(rule) });
  if (res.status !== 201) throw new Error(`adding fault ${JSON.stringify(rule)}: HTTP ${res.status} ${await res.text()}`);
}

export async function clearFaults(proxy: HasAdmin): Promise<void> {
  const res = await fetch(`${proxy.adminUrl}/faults`, { method: "DELETE" });
  if (res.status !== 200) throw new Error(`clearing faults: HTTP ${res.status}`);
}
