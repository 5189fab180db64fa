/**
 * @module net/client-error
 * Requests Node's HTTP parser refuses before any handler sees them (a bad Content-Length, Content-Length with
 * Transfer-Encoding, headers over the size limit, ...): answered in the listener's own error format instead of
 * Node's bare 400/431, then the connection closes. Each listener renders the answer (the mock's XKS API as the
 * spec's JSON error, the local KMS as KMS's `__type` JSON); the words and the socket handling are shared here.
 */
import { maxHeaderSize, STATUS_CODES, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";

/** Node's parser error: llhttp's `reason` is one of its own fixed sentences, never text from the request. */
export type ParseError = NodeJS.ErrnoException & { reason?: unknown };

/** A refused request's answer: status, headers (Content-Length and Connection are added), body. */
export interface ClientErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Whether the parser refused the request because its headers are over Node's limit (HTTP 431's case). */
export const isHeaderOverflow = (err: ParseError) => err.code === "HPE_HEADER_OVERFLOW";

/** The refusal in words; `listener` names who refuses ("this proxy"). */
export function describeParseError(err: ParseError, listener: string): string {
  if (isHeaderOverflow(err)) return `request headers are larger than ${listener} accepts (${maxHeaderSize} bytes)`;
  const reason = typeof err.reason === "string" && /^[\x20-\x7e]{1,120}$/.test(err.reason) ? `: ${err.reason}` : "";
  return `malformed HTTP request${reason}`;
}

function rawResponse(status: string, headers: Record<string, string | number>, body = ""): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status}\r\n${lines.join("")}Connection: close\r\n\r\n${body}`;
}

/** The raw answer to a refused request; Node's own for a request that ran out of time. */
function clientErrorResponse(err: ParseError, render: (err: ParseError) => ClientErrorAnswer): string {
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") return rawResponse("408 Request Timeout", {});
  const a = render(err);
  const headers = { ...a.headers, "Content-Length": Buffer.byteLength(a.body) };
  return rawResponse(`${a.status} ${STATUS_CODES[a.status]}`, headers, a.body);
}

/**
 * A 'clientError' listener: answers with `render`'s answer when an answer is still possible (nothing of one sent
 * yet), then closes.
 */
export function answerClientError(
  logger: Logger,
  render: (err: ParseError) => ClientErrorAnswer,
): (err: NodeJS.ErrnoException, socket: Duplex) => void {
  return (err: ParseError, socket) => {
    const remoteAddress = (socket as { remoteAddress?: string }).remoteAddress;
    logger.debug({ code: err.code, remoteAddress }, "malformed request refused");
    const started = (socket as { _httpMessage?: ServerResponse | null })._httpMessage?.headersSent === true;
    if (err.code === "ECONNRESET" || !socket.writable || started) return void socket.destroy();
    socket.end(clientErrorResponse(err, render));
    // A client that never reads must not keep the socket: it goes when the answer is flushed, or after a second.
    setTimeout(() => socket.destroy(), 1000).unref();
  };
}
