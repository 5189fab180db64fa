/**
 * @module proxy/apply-faults
 * Applies the fault rules that match a request, after authentication (so a signed test request hits them).
 */
import type { RequestHandler } from "express";
import { setTimeout as sleep } from "node:timers/promises";
import { XksError, type XksErrorName } from "../xks/errors.js";
import type { FaultRegistry } from "./fault-registry.js";
import type { FaultRule, Mutation } from "./fault-rule.js";
import { contextOf } from "./request-context.js";

const MALFORMED_BODIES = {
  "not-json": { type: "text/plain", body: "<html>upstream error</html>" },
  "wrong-schema": { type: "application/json", body: JSON.stringify({ unexpected: true }) },
  empty: { type: "application/json", body: "" },
} as const;

const NO_MUTATIONS: ReadonlySet<Mutation> = new Set();
const BEFORE_AUTH = new Set<FaultRule["type"]>(["reject-signatures", "mutation"]);
const AFTER_AUTH = new Set<FaultRule["type"]>(["latency", "error", "malformed", "close-connection", "health-status"]);

/**
 * Runs right after routing: `reject-signatures` stands in for a proxy whose credentials all changed, and
 * mutations must be known before authentication (some of them switch it off).
 */
export function faultsBeforeAuth(registry: FaultRegistry): RequestHandler {
  return function rejectSignaturesOrMutate(_req, res, next) {
    const ctx = contextOf(res);
    const rules = registry.take(ctx.route!.keystore.name, ctx.route!.operation, BEFORE_AUTH);
    ctx.mutations = rules.length === 0 ? NO_MUTATIONS : new Set(rules.flatMap((r) => (r.type === "mutation" ? [r.mutation] : [])));
    if (ctx.mutations.size) ctx.note = `mutations: ${[...ctx.mutations].join(",")}`;
    if (!rules.some((r) => r.type === "reject-signatures")) return next();
    ctx.note = "fault: reject-signatures";
    next(new XksError("AuthenticationFailedException", "request signature could not be verified"));
  };
}

export function applyFaults(registry: FaultRegistry): RequestHandler {
  return async function applyFaultRules(req, res, next) {
    const ctx = contextOf(res);
    const rules = registry.take(ctx.route!.keystore.name, ctx.route!.operation, AFTER_AUTH);
    if (rules.length === 0) return next();
    ctx.note = `fault: ${rules.map((r) => r.type).join(",")}`;
    for (const rule of rules) if (rule.type === "latency") await sleep(rule.ms);
    if (req.socket.destroyed) return;
    for (const rule of rules) {
      switch (rule.type) {
        case "close-connection":
          req.socket.destroy();
          return;
        case "error": {
          const e = new XksError(rule.errorName as XksErrorName, rule.errorMessage ?? `injected ${rule.errorName}`);
          ctx.errorName = e.errorName;
          res.status(rule.status ?? e.status).json(e.toBody());
          return;
        }
        case "malformed": {
          const m = MALFORMED_BODIES[rule.body];
          res.status(200).type(m.type).send(m.body);
          return;
        }
        case "health-status":
          ctx.healthOverride = rule.status;
          break;
      }
    }
    next();
  };
}
