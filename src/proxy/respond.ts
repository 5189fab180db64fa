/**
 * @module proxy/respond
 * How the data plane writes an answer: one writeHead with an exact Content-Length, one end. Every XKS answer,
 * success or error, is JSON (spec "Error codes": compact JSON with errorName).
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";
/** Only for answers that break the spec on purpose (fault injection). */
export const TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";

export function sendBody(res: ServerResponse, status: number, contentType: string | undefined, body: string, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { ...(contentType ? { "content-type": contentType } : {}), "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers?: OutgoingHttpHeaders): void {
  sendBody(res, status, JSON_CONTENT_TYPE, JSON.stringify(value), headers);
}
