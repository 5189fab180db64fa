/**
 * @module proxy/read-body
 * Reads a request body into one Buffer, bounded by the configured limit: a larger declared Content-Length is
 * refused before a byte is read, a stream that grows past it is cut off; and, with a BodyBudget, a body is only read
 * with room for it reserved across all requests (body-budget.ts). Bytes are kept as sent (no Content-Encoding is
 * undone): SigV4 signs them, and KMS never compresses.
 */
import type { IncomingMessage } from "node:http";
import { XksError } from "../xks/index.js";
import type { BodyBudget } from "./body-budget.js";

/** The client went away before its body was complete: there is no one left to answer. */
export class ClientGoneError extends Error {
  constructor() {
    super("client closed the connection before the request body was complete");
    this.name = "ClientGoneError";
  }
}

/** 501, and the rest of the body is not read: the answer must close the connection. */
export class BodyTooLargeError extends XksError {
  constructor(limit: number) {
    super("UnsupportedOperationException", `request body is larger than this proxy supports (${limit} bytes)`);
  }
}

/** 429, and the body is not read: the bodies being read before authentication fill their budget (body-budget.ts). */
export class BodyBudgetFullError extends XksError {
  constructor() {
    super("ThrottlingException", "too many request bodies are being received at once; retry");
  }
}

export function readBody(req: IncomingMessage, limit: number, budget?: BodyBudget): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  const chunked = req.headers["transfer-encoding"] !== undefined;
  if (!budget || (!chunked && !(declared > 0))) return collectBody(req, limit);
  // A chunked body may grow to the limit: that much is reserved for it.
  const release = budget.tryReserve(chunked ? limit : declared);
  if (!release) return Promise.reject(new BodyBudgetFullError());
  return collectBody(req, limit).finally(release);
}

function collectBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onGone);
      req.off("close", onClose);
    };
    function onData(chunk: Buffer) {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // The rest is not read; the answer closes the connection (Connection: close, see app.ts).
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    }
    function onEnd() {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    }
    function onGone() {
      cleanup();
      reject(new ClientGoneError());
    }
    function onClose() {
      if (!req.complete) onGone();
    }
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onGone);
    req.on("close", onClose);
  });
}
