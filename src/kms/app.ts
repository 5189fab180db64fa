/**
 * @module kms/app
 * The local KMS as an express app speaking the AWS JSON 1.1 protocol: `POST /` with
 * `X-Amz-Target: TrentService.<Operation>`. Any SigV4 credentials are accepted (as LocalStack does); the region
 * comes from the request's credential scope. `GET /_local/requests` lists the operations received, so a test can
 * prove what was (not) called. The same port answers the EC2 query calls that describe the declared VPC endpoint
 * services (ec2/router), and `GET /metrics`: the stores' CloudWatch metrics for Prometheus (kms/proxy-metrics).
 * Every request must be addressed to this listener on this machine, without Origin (net/local-request): a web page
 * must not reach DisconnectCustomKeyStore or Decrypt by rebinding its name to 127.0.0.1.
 */
import { randomUUID } from "node:crypto";
import express from "express";
import type { Logger } from "pino";
import { createEc2Router, errorXml, isEc2Query } from "../ec2/index.js";
import { acceptedHostNames, foreignRequestProblem, LOOPBACK_NAMES, type LocalListener } from "../net/local-request.js";
import type { KmsContext, LocalKmsOptions } from "./context.js";
import { KmsError, kmsError } from "./errors.js";
import { operationHandler } from "./operations/index.js";
import type { LocalKmsMetrics } from "./proxy-metrics.js";
import { BODY_LIMIT_BYTES, KMS_JSON_CONTENT_TYPE, bodyError } from "./request-refusals.js";
import { StateWriteError } from "./state-file.js";
import type { StateStore } from "./state-store.js";
import type { XksGateway } from "./xks-gateway.js";

export interface RequestRecord {
  time: string;
  requestId: string;
  operation: string;
  region: string;
  status: number;
  errorType?: string;
}

const DEFAULT_REGION = "us-east-1";
/** The request log keeps this many entries (oldest dropped). */
const MAX_RECORDS = 1000;

/** Region and access key id from `Credential=<akid>/<date>/<region>/kms/aws4_request`; not verified, as in LocalStack. */
function callerOf(authorization: string | undefined): { region: string; accessKeyId: string } {
  const m = /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\//.exec(authorization ?? "");
  return { accessKeyId: m?.[1] ?? "anonymous", region: m?.[2] ?? DEFAULT_REGION };
}

interface LocalKmsAppOptions {
  store: StateStore;
  gateway: XksGateway;
  options: LocalKmsOptions;
  logger: Logger;
  background: (work: () => Promise<void>) => void;
  /** Served on GET /metrics; told when a store is deleted. */
  metrics: LocalKmsMetrics;
  /** Where this app listens (the port once known): the only Host it answers. */
  listener: () => LocalListener;
}

const sendKmsError = (res: express.Response, e: KmsError) =>
  void res
    .status(e.status)
    .type(KMS_JSON_CONTENT_TYPE)
    .set("x-amzn-ErrorType", e.type)
    .send(JSON.stringify(e.toBody()));

/** How to reach this listener, for the fix of a refusal. */
function addressesOf(l: LocalListener): string {
  const loopback = `http://127.0.0.1:${l.port} or http://localhost:${l.port}`;
  const other = acceptedHostNames(l).slice(LOOPBACK_NAMES.length)[0];
  return other ? `${loopback}, or the address it was started on (http://${other}:${l.port})` : loopback;
}

/**
 * Refuses, before any other handler (so before anything changes), a request not addressed to this listener on this
 * machine: AccessDeniedException as KMS answers it, or on the EC2 query endpoint EC2's UnauthorizedOperation.
 */
function refuseForeignRequests(o: LocalKmsAppOptions, record: (r: RequestRecord) => void): express.RequestHandler {
  return (req, res, next) => {
    const listener = o.listener();
    const problem = foreignRequestProblem(req.headers, listener);
    if (!problem) return next();
    const requestId = randomUUID();
    const message = `${problem}. Fix: use the endpoint ${addressesOf(listener)}`;
    const ec2 = isEc2Query(req);
    const type = ec2 ? "UnauthorizedOperation" : "AccessDeniedException";
    const target = req.get("x-amz-target") ?? "";
    const operation = ec2
      ? "EC2 query"
      : target.startsWith("TrentService.")
        ? target.slice("TrentService.".length, 64)
        : `${req.method} ${req.path.slice(0, 64)}`;
    const status = ec2 ? 403 : 400;
    // The body is never read: the connection closes rather than wait for it.
    res.set("x-amzn-RequestId", requestId).set("connection", "close");
    if (ec2) res.status(status).type("text/xml;charset=UTF-8").send(errorXml(type, message, requestId));
    else sendKmsError(res, new KmsError(type, message, status));
    const region = callerOf(req.get("authorization")).region;
    record({ time: new Date().toISOString(), requestId, operation, region, status, errorType: type });
    const { host, origin } = req.headers;
    const seen = { host: host?.slice(0, 100), origin: origin?.slice(0, 100) };
    o.logger.warn({ operation, status, errorType: type, requestId, ...seen }, "foreign request refused");
  };
}

export function createLocalKmsApp(o: LocalKmsAppOptions): express.Express & { requests: RequestRecord[] } {
  const requests: RequestRecord[] = [];
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  // EC2 query calls (form posts) are answered before the KMS JSON parser sees them.
  const record = (r: RequestRecord) => {
    requests.push(r);
    if (requests.length > MAX_RECORDS) requests.shift();
  };
  app.use(refuseForeignRequests(o, record));
  // Prometheus scrapes (the CloudWatch metrics of the stores, kms/proxy-metrics). Read-only, so no token; only GET
  // and HEAD. Its own path: KMS (POST / with X-Amz-Target) and EC2 (a form POST /) never reach it.
  app.get("/metrics", async (_req, res) => {
    const { contentType, body } = await o.metrics.exposition();
    res.status(200).type(contentType).send(body);
  });
  app.all("/metrics", (_req, res) => void res.status(405).set("allow", "GET, HEAD").type("text/plain").send("GET /metrics only\n"));
  app.use(
    createEc2Router({
      services: o.options.endpointServices,
      logger: o.logger,
      regionOf: (req) => callerOf(req.get("authorization")).region,
      onAnswer: (e) => record({ time: new Date().toISOString(), requestId: e.requestId, operation: e.action, region: e.region, status: e.status, ...(e.errorCode ? { errorType: e.errorCode } : {}) }),
    }),
  );
  app.use(express.json({ type: () => true, limit: BODY_LIMIT_BYTES }));

  app.get("/_local/requests", (_req, res) => void res.json(requests));

  app.post("/", async (req, res) => {
    const requestId = randomUUID();
    const target = req.get("x-amz-target") ?? "";
    const operation = target.startsWith("TrentService.") ? target.slice("TrentService.".length) : target;
    const caller = callerOf(req.get("authorization"));
    const entry: RequestRecord = { time: new Date().toISOString(), requestId, operation, region: caller.region, status: 200 };
    res.set("x-amzn-RequestId", requestId).type(KMS_JSON_CONTENT_TYPE);
    try {
      const handler = operationHandler(operation);
      if (!handler) throw new KmsError("UnknownOperationException", `Operation ${operation.slice(0, 64) || "(none)"} is not implemented by this local KMS`);
      const ctx: KmsContext = {
        region: caller.region,
        principalArn: `arn:aws:iam::000000000000:user/${caller.accessKeyId}`,
        store: o.store,
        gateway: o.gateway,
        options: o.options,
        background: o.background,
        storeDeleted: (id) => o.metrics.forget(id),
      };
      res.status(200).send(JSON.stringify(await handler(ctx, req.body)));
    } catch (err) {
      // A failed state write says why (disk full, ...) and the fix; anything else unexpected stays "internal error".
      const writeFailed = err instanceof StateWriteError;
      const e = err instanceof KmsError ? err : kmsError.internal(writeFailed ? err.message : "internal error");
      if (writeFailed) o.logger.error({ operation, requestId, reason: err.message }, "state file write failed");
      else if (!(err instanceof KmsError)) {
        o.logger.error({ reason: (err as Error)?.message }, "local KMS internal error");
      }
      entry.status = e.status;
      entry.errorType = e.type;
      sendKmsError(res, e);
    } finally {
      record(entry);
      o.logger.info({ operation, region: caller.region, status: entry.status, errorType: entry.errorType, requestId }, "kms request");
    }
  });

  app.use(((err, _req, res, _next) => void sendKmsError(res, bodyError(err as Error))) as express.ErrorRequestHandler);
  return Object.assign(app, { requests });
}
