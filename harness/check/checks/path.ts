/**
 * @module harness/check/checks/path
 * Check 7: a wrong path prefix must get 404 InvalidUriPathException. That answer is how KMS tells a wrong
 * XksProxyUriPath from a wrong credential, and so how its error messages point at the right fix.
 */
import { randomBytes } from "node:crypto";
import { XKS_API_SUFFIX } from "../../../src/xks/constants.js";
import { attempt } from "../../../src/client/index.js";
import type { CheckContext } from "../context.js";
import { CHECK_TITLES, type CheckResult } from "../types.js";

export async function pathCheck(ctx: CheckContext): Promise<CheckResult> {
  const base = { id: "path" as const, title: CHECK_TITLES["path"] };
  const wrongPath = `/xks-harness-no-such-prefix-${randomBytes(4).toString("hex")}${XKS_API_SUFFIX}`;
  const client = ctx.clientFor({ ...ctx.options.settings, path: wrongPath });
  const start = performance.now();
  const o = await attempt(() => client.health({ kmsOperation: "UpdateCustomKeyStore" }), ctx.options.timeoutMs);
  const ms = performance.now() - start;
  if (o.ok && o.res.status === 404 && (o.res.json as { errorName?: string } | undefined)?.errorName === "InvalidUriPathException") {
    return { ...base, status: "pass", ms, detail: `${wrongPath} → 404 InvalidUriPathException` };
  }
  const got = o.ok ? `HTTP ${o.res.status} ${o.res.text.slice(0, 80)}` : o.detail;
  return { ...base, status: "warn", ms, detail: `${wrongPath} → ${got}; KMS could not tell a wrong path from other failures`, fix: "have the proxy answer unknown paths with 404 InvalidUriPathException" };
}
