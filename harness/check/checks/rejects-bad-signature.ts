/**
 * @module harness/check/checks/rejects-bad-signature
 * Check 6: the proxy must refuse a request signed with a wrong secret, and one whose X-Amz-Date is 6 minutes old
 * (spec Appendix A: more than 5 minutes SHOULD fail). A proxy that accepts either does not authenticate: anyone
 * could use the keys.
 */
import { randomBytes } from "node:crypto";
import { attempt } from "../../../src/client/index.js";
import type { CheckContext } from "../context.js";
import { CHECK_TITLES, type CheckResult } from "../types.js";
import { MAX_CLOCK_SKEW_MS } from "../../../src/xks/constants.js";

const STALE_MS = MAX_CLOCK_SKEW_MS + 60_000;

export async function rejectsBadSignatureCheck(ctx: CheckContext): Promise<CheckResult> {
  const base = { id: "rejects-bad-signature" as const, title: CHECK_TITLES["rejects-bad-signature"] };
  const client = ctx.clientFor(ctx.options.settings);
  const start = performance.now();
  // A secret of valid shape that is certainly not the proxy's.
  const wrongSecret = randomBytes(33).toString("base64").slice(0, 44);
  const probes = [
    { what: "wrong secret", call: () => client.health({ kmsOperation: "UpdateCustomKeyStore" }, { credential: { accessKeyId: ctx.options.settings.accessKeyId, secretAccessKey: wrongSecret } }) },
    { what: "X-Amz-Date 6 minutes old", call: () => client.health({ kmsOperation: "UpdateCustomKeyStore" }, { date: new Date(Date.now() - STALE_MS) }) },
  ];
  const accepted: string[] = [];
  const odd: string[] = [];
  for (const p of probes) {
    const o = await attempt(p.call, ctx.options.timeoutMs);
    if (!o.ok) odd.push(`${p.what}: ${o.detail}`);
    else if (o.res.status < 300) accepted.push(`${p.what}: HTTP ${o.res.status}`);
    else if (o.res.status !== 401 || (o.res.json as { errorName?: string } | undefined)?.errorName !== "AuthenticationFailedException") {
      odd.push(`${p.what}: HTTP ${o.res.status} ${o.res.text.slice(0, 80)} instead of 401 AuthenticationFailedException`);
    }
  }
  const ms = performance.now() - start;
  if (accepted.length) {
    return { ...base, status: "fail", ms, detail: `the proxy ACCEPTED: ${accepted.join("; ")}. It does not authenticate KMS: anyone could use the keys`, fix: "fix the proxy's SigV4 verification (secret check and the 5-minute clock-skew limit) before trusting it with keys" };
  }
  if (odd.length) return { ...base, status: "fail", ms, detail: odd.join("; "), fix: "a bad signature must get 401 AuthenticationFailedException, as the spec's error table says" };
  return { ...base, status: "pass", ms, detail: "both answered 401 AuthenticationFailedException" };
}
