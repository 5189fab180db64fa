/**
 * @module ec2/router
 * The local EC2 query endpoint, mounted beside the local KMS on its port: a KMS request carries X-Amz-Target, an
 * EC2 request is a form post (`Action=…&Version=2016-11-15`). Any SigV4 credentials are accepted, as by the local
 * KMS; the region comes from the credential scope. Bodies are bounded; every failure is an EC2 XML error.
 */
import { randomUUID } from "node:crypto";
import express, { type Request } from "express";
import type { Logger } from "pino";
import { runEc2Action } from "./actions.js";
import type { EndpointService } from "./endpoint-services.js";
import { Ec2Error, QueryParams } from "./query-params.js";
import { EC2_API_VERSION, errorXml, responseXml } from "./xml.js";

/** Whether a request is for EC2: a form post without X-Amz-Target. */
export function isEc2Query(req: Request): boolean {
  return req.method === "POST" && !req.get("x-amz-target") && req.is("application/x-www-form-urlencoded") === "application/x-www-form-urlencoded";
}

export interface Ec2RouterOptions {
  services: readonly EndpointService[];
  regionOf: (req: Request) => string;
  logger: Logger;
  /** Called once per answered request (the local request log). */
  onAnswer?: (entry: { requestId: string; action: string; region: string; status: number; errorCode?: string }) => void;
}

/** Form bodies up to this size; the Describe calls send a few hundred bytes. */
const BODY_LIMIT = "64kb";

export function createEc2Router(o: Ec2RouterOptions): express.Router {
  const router = express.Router();
  const parse = express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 500, type: "application/x-www-form-urlencoded" });
  router.post("/", (req, res, next) => {
    if (!isEc2Query(req)) return next();
    const requestId = randomUUID();
    const region = o.regionOf(req);
    let action = "";
    const answer = (status: number, xml: string, errorCode?: string) => {
      res.status(status).type("text/xml;charset=UTF-8").send(xml);
      o.onAnswer?.({ requestId, action, region, status, ...(errorCode ? { errorCode } : {}) });
      o.logger.info({ operation: action, region, status, errorType: errorCode, requestId }, "ec2 request");
    };
    const fail = (e: Ec2Error) => answer(e.status, errorXml(e.code, e.message, requestId), e.code);
    parse(req, res, (err?: unknown) => {
      if (err) return fail(new Ec2Error("InvalidParameterValue", `The request body is not a form of at most ${BODY_LIMIT}: ${String((err as Error).message).slice(0, 100)}`));
      try {
        const p = QueryParams.safeParse(req.body ?? {});
        if (!p.success) throw new Ec2Error("InvalidParameterValue", "Each parameter must appear once, with a name of at most 256 and a value of at most 4096 characters");
        const params = p.data;
        action = params.Action ?? "";
        if (!action) throw new Ec2Error("MissingAction", "The request must contain the parameter Action");
        if (params.Version === undefined) throw new Ec2Error("MissingParameter", "The request must contain the parameter Version");
        if (params.Version !== EC2_API_VERSION) throw new Ec2Error("InvalidParameterValue", `This local EC2 endpoint speaks API version ${EC2_API_VERSION}, not ${params.Version.slice(0, 32)}`);
        answer(200, responseXml(action, requestId, runEc2Action(action, params, o.services, { region })));
      } catch (e) {
        if (!(e instanceof Ec2Error)) o.logger.error({ reason: (e as Error)?.message }, "local EC2 internal error");
        fail(e instanceof Ec2Error ? e : new Ec2Error("InternalError", "An internal error has occurred", 500));
      }
    });
  });
  return router;
}
