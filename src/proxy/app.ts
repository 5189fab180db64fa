/**
 * @module proxy/app
 * The mock's data plane: one request listener for node:http(s), in the reference proxy's check order
 * (docs/spec-notes.md, "Check order inside an operation"): route (404, before auth) → method (405) → SigV4
 * headers (401) → body read (501 over the limit) → SigV4 signature over the body (401) → faults → content type and
 * JSON (400) → the API handler. The SigV4 headers come before the body so that a request from an unknown credential costs no body buffer,
 * and bodies not yet authenticated are bounded across connections (body-budget.ts). `createProxyApp` never listens;
 * `startProxy` does.
 *
 * Plain node:http, not express (which serves the admin API and the local KMS): KMS holds an XKS proxy to
 * 250 ms per request at up to 1800 requests a second, and express's per-request work and garbage alone put
 * the p99 of an empty express app at ~12 ms at that rate on one core (README "Benchmark"). Each stage below
 * is a function of its own module; this file only orders them.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { XksError, SigningKeyCache, type XksOperation } from "../xks/index.js";
import { applyFaults, faultsBeforeAuth } from "./apply-faults.js";
import { answerError } from "./error-handler.js";
import type { CredentialUse } from "./admin-credential-use.js";
import type { FaultRegistry } from "./fault-registry.js";
import { decrypt } from "./handlers/decrypt.js";
import { encrypt } from "./handlers/encrypt.js";
import { getHealthStatus } from "./handlers/health.js";
import { getKeyMetadata } from "./handlers/metadata.js";
import { BodyBudget } from "./body-budget.js";
import { BodyBudgetFullError, BodyTooLargeError, ClientGoneError, readBody } from "./read-body.js";
import { newRequestContext, type RequestContext, type RoutedContext } from "./request-context.js";
import { logRequest } from "./request-log.js";
import { sendBody, sendJson } from "./respond.js";
import { routeRequest } from "./route.js";
import type { ProxyRuntime } from "./runtime.js";
import { authenticate, authenticateHeaders } from "./sigv4-auth.js";

interface ProxyAppOptions {
  /** Returns the snapshot to serve a new request from; swapped by reloads. */
  runtime: () => ProxyRuntime;
  faults: FaultRegistry;
  logger: Logger;
  /** Where each authenticated request's credential is recorded, for the admin API. */
  credentialUse?: CredentialUse;
  /** @default () => new Date() */
  now?: () => Date;
  /** Bounds the bodies read before their signature is checked. @default a BodyBudget of PRE_AUTH_BODY_BUDGET_BYTES */
  bodyBudget?: BodyBudget;
}

const HANDLERS: Record<XksOperation, (body: unknown, ctx: RoutedContext) => object> = {
  health: getHealthStatus,
  metadata: getKeyMetadata,
  encrypt,
  decrypt,
};

/** Load-balancer health check (spec "Load balancer health checks"): no SigV4, no XKS semantics. */
const PING_PATH = "/ping";
const PONG = { status: "pong", service: "xks-mock" };

/** application/json or application/*+json, as the reference proxy accepts. */
function isJsonContentType(value: string | undefined): boolean {
  const type = value?.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || /^application\/[^/]+\+json$/.test(type);
}

/**
 * Parses the body of an authenticated request before the faults run, so that every answer to it, an injected
 * fault included, is logged with its kmsRequestId (spec "Logging"). Errors still come after the faults, from
 * answerApi, in the reference proxy's order.
 */
function noteRequestIds(body: Buffer, ctx: RequestContext): void {
  try {
    ctx.json = { value: JSON.parse(body.toString("utf8")) as unknown };
  } catch {
    return;
  }
  const metadata = (ctx.json.value as { requestMetadata?: { kmsRequestId?: unknown; kmsOperation?: unknown } } | null)?.requestMetadata;
  if (typeof metadata?.kmsRequestId === "string") ctx.kmsRequestId = metadata.kmsRequestId.slice(0, 128);
  if (typeof metadata?.kmsOperation === "string") ctx.kmsOperation = metadata.kmsOperation.slice(0, 64);
}

function answerApi(req: IncomingMessage, res: ServerResponse, ctx: RoutedContext): void {
  if (!isJsonContentType(req.headers["content-type"])) throw new XksError("ValidationException", "Content-Type must be application/json");
  if (!ctx.json) throw new XksError("ValidationException", "request body is not valid JSON");
  sendJson(res, 200, HANDLERS[ctx.route.operation](ctx.json.value, ctx));
}

/** True when the request was answered here (a method other than POST). */
function answerNonPost(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): boolean {
  if (req.method === "POST") return false;
  ctx.note = `method ${req.method}`;
  // Spec: a GET on an API URI MUST get 405. Like the reference proxy: empty body, Allow: POST.
  if (req.method !== "GET" || ctx.mutate.refusesGet()) sendBody(res, 405, undefined, "", { allow: "POST" });
  else sendJson(res, 200, { status: "ok" });
  return true;
}

/** Whether `err` answers a request whose body was not (and will not be) read. */
function leavesBodyUnread(req: IncomingMessage, err: unknown): boolean {
  if (err instanceof BodyTooLargeError || err instanceof BodyBudgetFullError) return true;
  return err instanceof XksError && err.errorName === "AuthenticationFailedException" && !req.complete;
}

export function createProxyApp(options: ProxyAppOptions): RequestListener {
  const now = options.now ?? (() => new Date());
  const signingKeys = new SigningKeyCache();
  const bodyBudget = options.bodyBudget ?? new BodyBudget();

  /** Everything after the body is read; synchronous unless a latency fault applies. */
  const afterBody = (req: IncomingMessage, res: ServerResponse, ctx: RoutedContext, body: Buffer): void | Promise<void> => {
    authenticate(req, body, ctx, signingKeys, now(), options.credentialUse);
    noteRequestIds(body, ctx);
    const faulted = applyFaults(options.faults, req, res, ctx);
    if (faulted === false) return answerApi(req, res, ctx);
    if (faulted === true) return;
    return faulted.then((answered) => (answered ? undefined : answerApi(req, res, ctx)));
  };

  const fail = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext, err: unknown) => {
    if (err instanceof ClientGoneError) return;
    try {
      // A body not read (cut off at the limit, no room for it, or refused unauthenticated before it) is not drained:
      // the connection closes after the answer. (Other early answers, e.g. 404, let Node discard a body as usual.)
      if (leavesBodyUnread(req, err)) res.setHeader("connection", "close");
      answerError(res, ctx, err, options.logger);
    } catch (answerFailed) {
      // Never an unhandled rejection (Node would exit): drop this one connection instead.
      options.logger.error({ err: { message: String((answerFailed as Error)?.message ?? answerFailed) } }, "could not answer");
      res.destroy();
    }
  };

  return function serveXksApi(req, res) {
    const ctx = newRequestContext(options.runtime());
    logRequest(options.logger, req, res, ctx);
    try {
      const path = (req.url ?? "").split("?")[0]!;
      if (path === PING_PATH && req.method === "GET") return sendJson(res, 200, PONG);
      routeRequest(ctx, path);
      faultsBeforeAuth(options.faults, ctx);
      if (answerNonPost(req, res, ctx)) return;
      authenticateHeaders(req, ctx, now());
      readBody(req, ctx.runtime.limits.maxBodyBytes, bodyBudget)
        .then((body) => afterBody(req, res, ctx, body))
        .catch((err: unknown) => fail(req, res, ctx, err));
    } catch (err) {
      fail(req, res, ctx, err);
    }
  };
}
