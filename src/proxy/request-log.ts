/**
 * @module proxy/request-log
 * One JSON line per request (spec "Logging": log kmsRequestId, timing, outcome). Only fields listed here are
 * ever written: never plaintext, AAD, key material, secrets, bodies or the Authorization header.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { pino, type Logger } from "pino";
import { nonBlockingDestination } from "./log-destination.js";
import type { RequestContext } from "./request-context.js";

const SERVICE = "xks-mock";
/** pino's number for "warn". */
const WARN_LEVEL = 40;

let stdout: pino.DestinationStream | undefined;
/** One per process: every logger writing to stdout shares its queue and its bound. */
function stdoutDestination(): pino.DestinationStream {
  stdout ??= nonBlockingDestination(process.stdout, (dropped) => {
    const msg = "log lines dropped: stdout was not being read";
    return `${JSON.stringify({ level: WARN_LEVEL, time: Date.now(), service: SERVICE, dropped, msg })}\n`;
  });
  return stdout;
}

/** A JSON logger on `destination`, by default stdout (never blocking: see log-destination.ts). */
export function createLogger(level: string, destination: pino.DestinationStream = stdoutDestination()): Logger {
  return pino(
    {
      level,
      base: { service: SERVICE },
      // Belt and braces: nothing below should ever hold these, but if a future change logs a request, they are cut.
      redact: { paths: ["req.headers.authorization", "authorization", "*.authorization", "plaintext", "secretAccessKey", "*.secretAccessKey"], censor: "[redacted]" },
    },
    destination,
  );
}

/** Writes the request's line when its answer is sent, or when its connection closes first. */
export function logRequest(logger: Logger, req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
  // A silenced logger costs nothing per request (the benchmark runs so; see bench/README.md).
  if (!logger.isLevelEnabled("info")) return;
  const start = performance.now();
  let logged = false;
  const write = (closed: boolean) => {
    if (logged) return;
    logged = true;
    const line = {
      kmsRequestId: ctx.kmsRequestId,
      kmsOperation: ctx.kmsOperation,
      keystore: ctx.route?.keystore.name,
      operation: ctx.route?.operation,
      keyId: ctx.route?.keyId,
      accessKeyId: ctx.accessKeyId,
      method: req.method,
      status: closed && !res.writableFinished ? 0 : res.statusCode,
      errorName: ctx.errorName,
      authFailure: ctx.authFailure,
      note: ctx.note,
      latencyMs: Math.round((performance.now() - start) * 100) / 100,
    };
    logger.info(line, closed && !res.writableFinished ? "connection closed" : "request");
  };
  res.once("finish", () => write(false));
  res.once("close", () => write(true));
}
