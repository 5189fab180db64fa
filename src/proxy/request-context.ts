/**
 * @module proxy/request-context
 * What one request carries from middleware to middleware (in res.locals), and what its log line reports.
 */
import type { Response } from "express";
import type { ProxyRuntime } from "./runtime.js";
import type { XksRoute } from "./route.js";
import type { Mutation } from "./fault-rule.js";

export interface RequestContext {
  runtime: ProxyRuntime;
  route?: XksRoute;
  accessKeyId?: string;
  kmsRequestId?: string;
  kmsOperation?: string;
  errorName?: string;
  /** The body parsed as JSON once authenticated; absent when it is not JSON. */
  json?: { value: unknown };
  /** Spec violations switched on for this request (fault type "mutation"). */
  mutations: ReadonlySet<Mutation>;
  /** Set by a health-status fault. */
  healthOverride?: "DEGRADED" | "UNAVAILABLE";
  /** Why authentication failed; logged, never sent (it would help an attacker). */
  authFailure?: string;
  note?: string;
}

export function contextOf(res: Response): RequestContext {
  return res.locals as RequestContext;
}
