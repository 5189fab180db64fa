/**
 * @module harness/check/checks/keys
 * Check 9, per --key-id: GetKeyMetadata exactly as CreateKey needs it (keySpec AES_256 — a real proxy once
 * returned RSA_0 —, ENCRYPT and DECRYPT, ENABLED), then an encrypt → decrypt round trip with AAD and a CDIV
 * verified locally.
 */
import { keyUnusableReason, verifyMetadataAnswer } from "../../../src/xks/index.js";
import { attempt, classifyError } from "../../../src/client/index.js";
import { FIXES } from "../fixes.js";
import type { CheckContext } from "../context.js";
import { decryptProbe, encryptProbe } from "../probe.js";
import { CHECK_TITLES, type CheckResult } from "../types.js";

const KEY_FIXES: Record<string, string> = {
  KeyNotFoundException: "the proxy has no key with this id under this path: check the key id and the path prefix",
  InvalidKeyUsageException: "enable ENCRYPT and DECRYPT for this key in the key manager",
  InvalidStateException: "enable the key in the key manager",
};

export async function keysCheck(ctx: CheckContext): Promise<CheckResult> {
  const base = { id: "keys" as const, title: CHECK_TITLES["keys"] };
  const client = ctx.clientFor(ctx.options.settings);
  const start = performance.now();
  const lines: string[] = [];
  let firstFailure: { failure: NonNullable<CheckResult["failure"]>; fix: string } | undefined;
  for (const keyId of ctx.options.keyIds) {
    const fail = (failure: NonNullable<CheckResult["failure"]>, detail: string) => {
      lines.push(`${keyId}: ${detail}`);
      firstFailure ??= { failure, fix: KEY_FIXES[failure] ?? FIXES[failure] ?? "see the detail" };
    };
    const meta = await attempt(() => client.metadata(keyId, { kmsOperation: "CreateKey" }), ctx.options.timeoutMs);
    if (!meta.ok) {
      fail(meta.failure, meta.detail);
      continue;
    }
    if (meta.res.status !== 200) {
      const e = classifyError(meta.res);
      fail(e.failure, `GetKeyMetadata: ${e.detail}`);
      continue;
    }
    const usable = verifyMetadataAnswer(meta.res.json);
    const unusable = usable.ok ? keyUnusableReason(usable.value) : usable.problem;
    if (!usable.ok || unusable) {
      fail("MalformedResponse", `GetKeyMetadata ${meta.res.text.slice(0, 100)}: CreateKey would refuse it (${unusable})`);
      firstFailure = { failure: "MalformedResponse", fix: "the external key must be AES_256 with ENCRYPT and DECRYPT, and ENABLED" };
      continue;
    }
    const enc = await encryptProbe(client, keyId, ctx.options.timeoutMs);
    if (!enc.ok) {
      fail(enc.failure, `Encrypt: ${enc.detail}`);
      continue;
    }
    const dec = await decryptProbe(client, enc.value, ctx.options.timeoutMs);
    if (!dec.ok) {
      fail(dec.failure, `Decrypt of the probe: ${dec.detail}`);
      continue;
    }
    lines.push(`${keyId}: AES_256 ${usable.value.keyUsage.join("+")} ENABLED, round trip with AAD and CDIV ok`);
  }
  const ms = performance.now() - start;
  if (firstFailure) return { ...base, status: "fail", ms, detail: lines.join("\n"), fix: firstFailure.fix };
  return { ...base, status: "pass", ms, detail: lines.join("\n") };
}
