/**
 * @module proxy/apply-faults
 * Applies the fault rules that match a request: `reject-signatures` and mutations right after routing, the
 * others after authentication (so a signed test request hits them).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { XksError, type XksErrorName } from "../xks/index.js";
import type { FaultRegistry } from "./fault-registry.js";
import type { FaultRule } from "./fault-rule.js";
import { mutateFor } from "./mutate.js";
import type { RoutedContext } from "./request-context.js";
import { JSON_CONTENT_TYPE, TEXT_CONTENT_TYPE, sendBody } from "./respond.js";
import { authenticationFailed } from "./sigv4-auth.js";

const MALFORMED_BODIES = {
  "not-json": { type: TEXT_CONTENT_TYPE, body: "<html>upstream error</html>" },
  "wrong-schema": { type: JSON_CONTENT_TYPE, body: JSON.stringify({ unexpected: true }) },
  empty: { type: JSON_CONTENT_TYPE, body: "" },
} as const;

const BEFORE_AUTH = new Set<FaultRule["type"]>(["reject-signatures", "mutation"]);
const AFTER_AUTH = new Set<FaultRule["type"]>(["latency", "error", "malformed", "close-connection", "health-status"]);

/**
 * Runs right after routing: `reject-signatures` stands in for a proxy whose credentials all changed, and
 * mutations must be known before authentication (some of them switch it off). Throws the 401.
 */
export function faultsBeforeAuth(registry: FaultRegistry, ctx: RoutedContext): void {
  const rules = registry.take(ctx.route.keystore.name, ctx.route.operation, BEFORE_AUTH);
  if (rules.length === 0) return;
  const mutations = new Set(rules.flatMap((r) => (r.type === "mutation" ? [r.mutation] : [])));
  ctx.mutate = mutateFor(mutations);
  if (mutations.size) ctx.note = `mutations: ${[...mutations].join(",")}`;
  if (!rules.some((r) => r.type === "reject-signatures")) return;
  ctx.note = "fault: reject-signatures";
  throw authenticationFailed();
}

/**
 * The faults after authentication. Returns true when a fault answered (or dropped) the request, so nothing else
 * may, and throws the XksError of an `error` rule; synchronous unless a latency rule applies.
 */
export function applyFaults(registry: FaultRegistry, req: IncomingMessage, res: ServerResponse, ctx: RoutedContext): boolean | Promise<boolean> {
  const rules = registry.take(ctx.route.keystore.name, ctx.route.operation, AFTER_AUTH);
  if (rules.length === 0) return false;
  ctx.note = `fault: ${rules.map((r) => r.type).join(",")}`;
  const delay = rules.reduce((ms, r) => (r.type === "latency" ? ms + r.ms : ms), 0);
  if (delay === 0) return answerFaults(rules, req, res, ctx);
  return sleep(delay).then(() => answerFaults(rules, req, res, ctx));
}

function answerFaults(rules: readonly FaultRule[], req: IncomingMessage, res: ServerResponse, ctx: RoutedContext): boolean {
  if (req.socket.destroyed) return true;
  for (const rule of rules) {
    switch (rule.type) {
      case "close-connection":
        req.socket.destroy();
        return true;
      case "error":
        // Answered like any other error (answerError), so mutations such as error-without-json apply to it too.
        throw new XksError(rule.errorName as XksErrorName, rule.errorMessage ?? `injected ${rule.errorName}`, rule.status ? { status: rule.status } : {});
      case "malformed": {
        const m = MALFORMED_BODIES[rule.body];
        sendBody(res, 200, m.type, m.body);
        return true;
      }
      case "health-status":
        ctx.healthOverride = rule.status;
        break;
    }
  }
  return false;
}
