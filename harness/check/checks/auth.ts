/**
 * @module harness/check/checks/auth
 * Check 5: GetHealthStatus signed with the NEW credential exactly as KMS signs it during UpdateCustomKeyStore
 * (kmsOperation UpdateCustomKeyStore, a fresh kmsRequestId, SignedHeaders host;x-amz-date), and a strictly valid
 * health document back.
 */
import { randomUUID } from "node:crypto";
import { KMS_SIGNED_HEADERS, XKS_SIGV4_SERVICE } from "../../../src/xks/constants.js";
import { verifyHealthAnswer } from "../../../src/xks/index.js";
import { formatAmzDate } from "../../../src/xks/sigv4/amz-date.js";
import { canonicalRequest, credentialScope, stringToSign } from "../../../src/xks/sigv4/canonical-request.js";
import { attempt, baseUrl, classifyError } from "../../../src/client/index.js";
import { FIXES } from "../fixes.js";
import type { CheckContext } from "../context.js";
import { CHECK_TITLES, type CheckResult } from "../types.js";

function explainSigning(ctx: CheckContext, body: string, date: Date): string[] {
  const url = new URL(`${baseUrl(ctx.options.settings)}/health`);
  const amzDate = formatAmzDate(date);
  const canonical = canonicalRequest({ method: "POST", path: url.pathname, headers: { host: url.host, "x-amz-date": amzDate }, signedHeaders: KMS_SIGNED_HEADERS, body });
  const scope = credentialScope(amzDate.slice(0, 8), ctx.options.region, XKS_SIGV4_SERVICE);
  return [`canonical request:\n${canonical}`, `string to sign:\n${stringToSign(amzDate, scope, canonical)}`];
}

export async function authCheck(ctx: CheckContext): Promise<CheckResult> {
  const base = { id: "auth" as const, title: CHECK_TITLES["auth"] };
  const client = ctx.clientFor(ctx.options.settings);
  const kmsRequestId = randomUUID();
  const date = new Date();
  if (ctx.options.verbose) {
    ctx.verbose.push(...explainSigning(ctx, JSON.stringify({ requestMetadata: client.metadataFor("health", { kmsOperation: "UpdateCustomKeyStore", kmsRequestId }) }), date));
  }
  const start = performance.now();
  const outcome = await attempt(() => client.health({ kmsOperation: "UpdateCustomKeyStore", kmsRequestId }, { date }), ctx.options.timeoutMs);
  const ms = performance.now() - start;
  ctx.timings.authMs = ms;
  if (!outcome.ok) return { ...base, status: "fail", ms, detail: outcome.detail, failure: outcome.failure, fix: FIXES[outcome.failure] };
  const { res } = outcome;
  if (res.status !== 200) {
    const e = classifyError(res);
    return { ...base, status: "fail", ms, detail: e.detail, failure: e.failure, fix: FIXES[e.failure] };
  }
  const parsed = verifyHealthAnswer(res.json);
  if (!parsed.ok) {
    return { ...base, status: "fail", ms, detail: `200, but the health document breaks the spec: ${parsed.problem}`, failure: parsed.failure, fix: FIXES[parsed.failure] };
  }
  const h = parsed.value;
  const statuses = h.ekmFleetDetails.map((d) => d.healthStatus);
  const summary = `200 from ${h.xksProxyVendor} ${h.xksProxyModel}, fleet ${h.xksProxyFleetSize}, key managers: ${h.ekmFleetDetails.map((d) => `${d.id}=${d.healthStatus}`).join(", ")}`;
  const data = { vendor: h.xksProxyVendor, model: h.xksProxyModel, fleetSize: h.xksProxyFleetSize, ekmStatuses: statuses };
  if (statuses.every((s) => s === "UNAVAILABLE")) {
    return { ...base, status: "fail", ms, detail: `${summary}: every key manager is UNAVAILABLE`, failure: "AllKeyManagersUnavailable", fix: FIXES.AllKeyManagersUnavailable, data };
  }
  if (statuses.some((s) => s !== "ACTIVE")) {
    return { ...base, status: "warn", ms, detail: `${summary}: not every key manager is ACTIVE`, fix: "check the key managers that are DEGRADED or UNAVAILABLE", data };
  }
  return { ...base, status: "pass", ms, detail: summary, data };
}
