/**
 * @module proxy/request-context
 * What one request carries from stage to stage of the data plane (app.ts), and what its log line reports.
 */
import type { Mutation } from "./fault-rule.js";
import type { XksRoute } from "./route.js";
import type { ProxyRuntime } from "./runtime.js";

export interface RequestContext {
  /** The snapshot this request is served from, taken when it arrived: a reload never changes it mid-request. */
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

const NO_MUTATIONS: ReadonlySet<Mutation> = new Set();

export function newRequestContext(runtime: ProxyRuntime): RequestContext {
  return { runtime, mutations: NO_MUTATIONS };
}
