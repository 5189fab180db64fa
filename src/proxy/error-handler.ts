/**
 * @module proxy/error-handler
 * The one place an error becomes an HTTP answer: the spec's compact `{"errorName","errorMessage"}` JSON,
 * never a stack trace.
 */
import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { XksError } from "../xks/errors.js";
import { contextOf } from "./request-context.js";

function toXksError(err: unknown): XksError {
  if (err instanceof XksError) return err;
  const type = (err as { type?: unknown } | undefined)?.type;
  if (type === "entity.too.large") return new XksError("UnsupportedOperationException", "request body is larger than this proxy supports");
  if (typeof type === "string" && type.startsWith("entity.") || type === "encoding.unsupported" || type === "charset.unsupported") {
    return new XksError("ValidationException", "request body could not be read");
  }
  return new XksError("InternalException", "internal error", { cause: err });
}

export function xksErrorHandler(logger: Logger): ErrorRequestHandler {
  return function handleXksError(err, _req, res, _next) {
    const e = toXksError(err);
    if (e.errorName === "InternalException" && e.cause) logger.error({ err: { message: String((e.cause as Error)?.message ?? e.cause) } }, "unexpected error");
    contextOf(res).errorName = e.errorName;
    if (res.headersSent) return void res.end();
    if (contextOf(res).mutations?.has("error-without-json")) return void res.status(e.status).type("text/plain").send("error");
    res.status(e.status).json(e.toBody());
  };
}
