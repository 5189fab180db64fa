/** @module proxy/handlers/health — GetHealthStatus (spec "GetHealthStatus"). */
import { HealthRequest, type HealthResponse } from "../../xks/schemas.js";
import type { RequestContext } from "../request-context.js";
import { parseBody } from "./parse-body.js";

export function getHealthStatus(body: unknown, ctx: RequestContext): HealthResponse {
  parseBody(HealthRequest, body);
  const h = ctx.route!.keystore.health;
  const override = ctx.healthOverride;
  return {
    xksProxyFleetSize: h.xksProxyFleetSize,
    xksProxyVendor: h.xksProxyVendor,
    xksProxyModel: h.xksProxyModel,
    ekmVendor: h.ekmVendor,
    ekmFleetDetails: h.ekmFleetDetails.map((d) => ({ id: d.id, model: d.model, healthStatus: override ?? d.healthStatus })),
  };
}
