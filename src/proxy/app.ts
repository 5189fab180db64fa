/**
 * @module proxy/app
 * The mock XKS proxy as an express app, in the reference proxy's check order (digest A23):
 * route (404, before auth) → method (405) → body read → SigV4 (401) → faults → content type and JSON
 * (400) → the API handler. `createProxyApp` never listens; `startProxy` does.
 */
import express, { type RequestHandler } from "express";
import type { Logger } from "pino";
import type { XksOperation } from "../xks/constants.js";
import { XksError } from "../xks/errors.js";
import { applyFaults, faultsBeforeAuth } from "./apply-faults.js";
import { xksErrorHandler } from "./error-handler.js";
import type { FaultRegistry } from "./fault-registry.js";
import { decrypt } from "./handlers/decrypt.js";
import { encrypt } from "./handlers/encrypt.js";
import { getHealthStatus } from "./handlers/health.js";
import { getKeyMetadata } from "./handlers/metadata.js";
import { contextOf, type RequestContext } from "./request-context.js";
import { requestLog } from "./request-log.js";
import { matchRoute } from "./route.js";
import type { ProxyRuntime } from "./runtime.js";
import { sigv4Auth } from "./sigv4-auth.js";

export interface ProxyAppOptions {
  /** Returns the snapshot to serve a new request from; swapped by reloads. */
  runtime: () => ProxyRuntime;
  faults: FaultRegistry;
  logger: Logger;
  /** @default () => new Date() */
  now?: () => Date;
}

const HANDLERS: Record<XksOperation, (body: unknown, ctx: RequestContext) => object> = {
  health: getHealthStatus,
  metadata: getKeyMetadata,
  encrypt,
  decrypt,
};

/** express.raw for the current body limit; one parser per limit value. */
function rawBody(runtime: () => ProxyRuntime): RequestHandler {
  const parsers = new Map<number, RequestHandler>();
  return function readRawBody(req, res, next) {
    const limit = runtime().limits.maxBodyBytes;
    let parser = parsers.get(limit);
    if (!parser) parsers.set(limit, (parser = express.raw({ type: () => true, limit })));
    parser(req, res, next);
  };
}

/** application/json or application/*+json, as the reference proxy accepts (digest §1.4). */
function isJsonContentType(value: string | undefined): boolean {
  const type = value?.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || /^application\/[^/]+\+json$/.test(type);
}

/**
 * Parses the body of an authenticated request before the faults run, so that every answer to it, an injected
 * fault included, is logged with its kmsRequestId (spec "Logging"). Errors still come after the faults, from
 * handleXksApi, in the reference proxy's order.
 */
const noteRequestIds: RequestHandler = function noteRequestIds(req, res, next) {
  const ctx = contextOf(res);
  try {
    ctx.json = { value: JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "") as unknown };
  } catch {
    return next();
  }
  const metadata = (ctx.json.value as { requestMetadata?: { kmsRequestId?: unknown; kmsOperation?: unknown } } | null)?.requestMetadata;
  if (typeof metadata?.kmsRequestId === "string") ctx.kmsRequestId = metadata.kmsRequestId.slice(0, 128);
  if (typeof metadata?.kmsOperation === "string") ctx.kmsOperation = metadata.kmsOperation.slice(0, 64);
  next();
};

export function createProxyApp(options: ProxyAppOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", false);

  app.use(requestLog(options.logger));

  // Load-balancer health check (spec "Load balancer health checks"): no SigV4, no XKS semantics.
  app.get("/ping", (_req, res) => void res.json({ status: "pong", service: "xks-mock" }));

  app.use(function routeRequest(req, res, next) {
    const ctx = contextOf(res);
    ctx.runtime = options.runtime();
    const path = req.originalUrl.split("?")[0]!;
    const route = matchRoute(path, ctx.runtime);
    if (!route) return next(new XksError("InvalidUriPathException", "no XKS API at this path; check the key store's XksProxyUriPath"));
    ctx.route = route;
    next();
  });
  app.use(faultsBeforeAuth(options.faults));
  app.use(function requirePost(req, res, next) {
    if (req.method === "POST") return next();
    const ctx = contextOf(res);
    ctx.note = `method ${req.method}`;
    if (ctx.mutations.has("get-200") && req.method === "GET") return void res.status(200).json({ status: "ok" });
    // Spec: a GET on an API URI MUST get 405. Like the reference proxy: empty body, Allow: POST.
    res.status(405).set("Allow", "POST").end();
  });
  app.use(rawBody(options.runtime));
  app.use(sigv4Auth(options.now ? { now: options.now } : {}));
  app.use(noteRequestIds);
  app.use(applyFaults(options.faults));

  app.use(function handleXksApi(req, res) {
    const ctx = contextOf(res);
    if (!isJsonContentType(req.get("content-type"))) throw new XksError("ValidationException", "Content-Type must be application/json");
    if (!ctx.json) throw new XksError("ValidationException", "request body is not valid JSON");
    res.status(200).json(HANDLERS[ctx.route!.operation](ctx.json.value, ctx));
  });

  app.use(xksErrorHandler(options.logger));
  return app;
}
