/**
 * @module proxy/client-error
 * Requests Node's HTTP parser refuses before any handler sees them (net/client-error): answered with the spec's
 * JSON error body (ValidationException, HTTP 400, spec "Error codes") instead of Node's bare 400/431.
 */
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { answerClientError as answerWith, describeParseError } from "../net/client-error.js";
import { XksError } from "../xks/index.js";
import { JSON_CONTENT_TYPE } from "./respond.js";

/** A 'clientError' listener: answers when an answer is still possible (nothing of one sent yet), then closes. */
export function answerClientError(logger: Logger): (err: NodeJS.ErrnoException, socket: Duplex) => void {
  return answerWith(logger, (err) => {
    const error = new XksError("ValidationException", describeParseError(err, "this proxy"));
    const body = JSON.stringify(error.toBody());
    return { status: error.status, headers: { "Content-Type": JSON_CONTENT_TYPE }, body };
  });
}
