/** @module proxy/handlers/health — GetHealthStatus (spec "GetHealthStatus"). */
import { HealthRequest, type HealthResponse } from "../../xks/index.js";
import type { RoutedContext } from "../request-context.js";
import { parseBody } from "./parse-body.js";

export function getHealthStatus(body: unknown, ctx: RoutedContext): HealthResponse {
  parseBody(HealthRequest, body);
  const h = ctx.route.keystore.health;
  const override = ctx.healthOverride;
  return {
    xksProxyFleetSize: h.xksProxyFleetSize,
    xksProxyVendor: h.xksProxyVendor,
    xksProxyModel: h.xksProxyModel,
    ekmVendor: h.ekmVendor,
    ekmFleetDetails: h.ekmFleetDetails.map((d) => ({ id: d.id, model: d.model, healthStatus: override ?? d.healthStatus })),
  };
}
