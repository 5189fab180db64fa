/**
 * @module proxy/client-error
 * Requests Node's HTTP parser refuses before any handler sees them (a bad Content-Length, Content-Length with
 * Transfer-Encoding, headers over the size limit, ...): answered with the spec's JSON error body
 * (ValidationException, HTTP 400, spec "Error codes") instead of Node's bare 400/431, then the connection closes.
 */
import { maxHeaderSize, STATUS_CODES, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { XksError } from "../xks/index.js";
import { JSON_CONTENT_TYPE } from "./respond.js";

/** Node's parser error: llhttp's `reason` is one of its own fixed sentences, never text from the request. */
type ParseError = NodeJS.ErrnoException & { reason?: unknown };

function describeParseError(err: ParseError): string {
  if (err.code === "HPE_HEADER_OVERFLOW") return `request headers are larger than this proxy accepts (${maxHeaderSize} bytes)`;
  const reason = typeof err.reason === "string" && /^[\x20-\x7e]{1,120}$/.test(err.reason) ? `: ${err.reason}` : "";
  return `malformed HTTP request${reason}`;
}

function rawResponse(status: string, headers: Record<string, string | number>, body = ""): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status}\r\n${lines.join("")}Connection: close\r\n\r\n${body}`;
}

/** The raw answer to a refused request; Node's own for a request that ran out of time. */
function clientErrorResponse(err: ParseError): string {
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") return rawResponse("408 Request Timeout", {});
  const error = new XksError("ValidationException", describeParseError(err));
  const body = JSON.stringify(error.toBody());
  return rawResponse(`${error.status} ${STATUS_CODES[error.status]}`, { "Content-Type": JSON_CONTENT_TYPE, "Content-Length": Buffer.byteLength(body) }, body);
}

/** A 'clientError' listener: answers when an answer is still possible (nothing of one sent yet), then closes. */
export function answerClientError(logger: Logger): (err: NodeJS.ErrnoException, socket: Duplex) => void {
  return (err: ParseError, socket) => {
    logger.debug({ code: err.code, remoteAddress: (socket as { remoteAddress?: string }).remoteAddress }, "malformed request refused");
    const started = (socket as { _httpMessage?: ServerResponse | null })._httpMessage?.headersSent === true;
    if (err.code === "ECONNRESET" || !socket.writable || started) return void socket.destroy();
    socket.end(clientErrorResponse(err));
    // A client that never reads must not keep the socket: it goes when the answer is flushed, or after a second.
    setTimeout(() => socket.destroy(), 1000).unref();
  };
}
