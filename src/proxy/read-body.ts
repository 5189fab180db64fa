/**
 * @module proxy/read-body
 * Reads a request body into one Buffer, bounded by the configured limit: a larger declared Content-Length is
 * refused before a byte is read, a stream that grows past it is cut off. Bytes are kept as sent (no
 * Content-Encoding is undone): SigV4 signs them, and KMS never compresses.
 */
import type { IncomingMessage } from "node:http";
import { XksError } from "../xks/index.js";

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

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) return Promise.reject(new BodyTooLargeError(limit));
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
