/**
 * @module proxy/apply-faults
 * Applies the fault rules that match a request, after authentication (so a signed test request hits them).
 */
import type { RequestHandler } from "express";
import { setTimeout as sleep } from "node:timers/promises";
import { XksError, type XksErrorName } from "../xks/errors.js";
import type { FaultRegistry } from "./fault-registry.js";
import { contextOf } from "./request-context.js";

const MALFORMED_BODIES = {
  "not-json": { type: "text/plain", body: "<html>upstream error</html>" },
  "wrong-schema": { type: "application/json", body: JSON.stringify({ unexpected: true }) },
  empty: { type: "application/json", body: "" },
} as const;

/** `reject-signatures` runs before authentication: it stands in for a proxy whose credentials all changed. */
export function rejectSignaturesFault(registry: FaultRegistry): RequestHandler {
  return function rejectSignatures(_req, res, next) {
    const { route } = contextOf(res);
    const hit = registry.list().some((f) => f.keystore === route!.keystore.name && f.rule.type === "reject-signatures" && (f.rule.operation === "*" || f.rule.operation === route!.operation));
    if (!hit) return next();
    registry.take(route!.keystore.name, route!.operation);
    contextOf(res).note = "fault: reject-signatures";
    next(new XksError("AuthenticationFailedException", "request signature could not be verified"));
  };
}

export function applyFaults(registry: FaultRegistry): RequestHandler {
  return async function applyFaultRules(req, res, next) {
    const ctx = contextOf(res);
    const rules = registry.take(ctx.route!.keystore.name, ctx.route!.operation).filter((r) => r.type !== "reject-signatures");
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
