/**
 * @module harness/check/checks/continuity
 * Check 10: the new settings must reach the SAME key material as the current ones. Encrypt under the current
 * settings and decrypt under the new, and back, per key; or decrypt a snapshot taken earlier. If the new settings
 * reach other keys, every ciphertext made before the change becomes unrecoverable.
 */
import type { ProxyFailure } from "../../../src/xks/kms-failures.js";
import type { CheckContext } from "../context.js";
import { decryptProbe, encryptProbe } from "../probe.js";
import type { XksSettings } from "../../common/settings.js";
import { CHECK_TITLES, type CheckResult } from "../types.js";

/** Decrypt failures that mean other key material; any other (401, timeout, ...) says nothing about the keys. */
const KEY_MATERIAL_MISMATCH: ReadonlySet<ProxyFailure> = new Set<ProxyFailure>(["InvalidCiphertextException", "InvalidCiphertextReturned", "KeyNotFoundException"]);

export async function continuityCheck(ctx: CheckContext): Promise<CheckResult> {
  const base = { id: "continuity" as const, title: CHECK_TITLES["continuity"] };
  const { current, snapshot, settings, keyIds, timeoutMs } = ctx.options;
  const start = performance.now();
  const fresh = ctx.clientFor(settings);
  const lines: string[] = [];
  let broken = false;
  const direction = async (from: XksSettings, to: XksSettings, label: string, keyId: string) => {
    const enc = await encryptProbe(ctx.clientFor(from), keyId, timeoutMs);
    if (!enc.ok) return `${keyId} ${label}: encrypt failed: ${enc.detail}`;
    const dec = await decryptProbe(ctx.clientFor(to), enc.value, timeoutMs);
    if (!dec.ok) {
      if (!KEY_MATERIAL_MISMATCH.has(dec.failure)) return `${keyId} ${label}: decrypt failed: ${dec.detail}`;
      broken = true;
      return `${keyId} ${label}: NOT decryptable (${dec.detail})`;
    }
    return `${keyId} ${label}: ok`;
  };
  if (current) {
    for (const keyId of keyIds) {
      lines.push(await direction(current, settings, "current → new", keyId));
      lines.push(await direction(settings, current, "new → current", keyId));
    }
  }
  if (snapshot) {
    for (const probe of snapshot.probes) {
      const dec = await decryptProbe(fresh, probe, timeoutMs);
      const mismatch = !dec.ok && KEY_MATERIAL_MISMATCH.has(dec.failure);
      if (mismatch) broken = true;
      lines.push(`${probe.keyId} snapshot of ${snapshot.createdAt}: ${dec.ok ? "ok" : mismatch ? `NOT decryptable (${dec.detail})` : `decrypt failed: ${dec.detail}`}`);
    }
  }
  const ms = performance.now() - start;
  const failedOther = lines.some((l) => l.includes("encrypt failed") || l.includes("decrypt failed"));
  if (broken) {
    return {
      ...base,
      status: "fail",
      ms,
      detail: `${lines.join("\n")}\nThe new settings reach different key material: ciphertexts made before the change would be unrecoverable`,
      fix: "point the new endpoint/path at a proxy that holds the same keys (same key manager or key material) before updating",
    };
  }
  if (failedOther) return { ...base, status: "fail", ms, detail: lines.join("\n"), fix: "make both the current and the new settings work for every key before updating" };
  return { ...base, status: "pass", ms, detail: lines.join("\n") };
}
