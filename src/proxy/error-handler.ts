/**
 * @module proxy/error-handler
 * The one place an error becomes an HTTP answer: the spec's compact `{"errorName","errorMessage"}` JSON,
 * never a stack trace.
 */
import type { ServerResponse } from "node:http";
import type { Logger } from "pino";
import { XksError } from "../xks/index.js";
import type { RequestContext } from "./request-context.js";
import { TEXT_CONTENT_TYPE, sendBody, sendJson } from "./respond.js";

function toXksError(err: unknown): XksError {
  if (err instanceof XksError) return err;
  return new XksError("InternalException", "internal error", { cause: err });
}

export function answerError(res: ServerResponse, ctx: RequestContext, err: unknown, logger: Logger): void {
  const e = toXksError(err);
  if (e.errorName === "InternalException" && e.cause) logger.error({ err: { message: String((e.cause as Error)?.message ?? e.cause) } }, "unexpected error");
  ctx.errorName = e.errorName;
  if (res.headersSent || res.destroyed) return void res.end();
  if (!ctx.mutate.jsonErrors()) return sendBody(res, e.status, TEXT_CONTENT_TYPE, "error");
  sendJson(res, e.status, e.toBody());
}
