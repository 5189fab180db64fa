/**
 * @module kms/request-refusals
 * The local KMS's answers to requests refused before any operation runs — malformed HTTP or headers over Node's
 * limit (net/client-error), a body over the limit or not JSON — as KMS-shaped JSON (`__type`), so an SDK raises a
 * named exception and curl shows the rule and the fix, never Node's bare 431 or the JSON parser's words.
 */
import type { Logger } from "pino";
import { answerClientError, describeParseError, isHeaderOverflow } from "../net/client-error.js";
import { KmsError } from "./errors.js";

export const KMS_JSON_CONTENT_TYPE = "application/x-amz-json-1.1";

/** The largest request body the local KMS reads; KMS's largest inputs (a 4096-byte Plaintext) fit well within it. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** The 'clientError' listener of the local KMS: 431 for headers over the limit, 400 for malformed HTTP. */
export function answerKmsClientError(logger: Logger): ReturnType<typeof answerClientError> {
  return answerClientError(logger, (err) => {
    const overflow = isHeaderOverflow(err);
    const what = describeParseError(err, "this local KMS");
    const fix = "Fix: send smaller headers (the AWS SDKs and CLI send about 1 KB)";
    const e = new KmsError("ValidationException", overflow ? `${what}. ${fix}` : what, overflow ? 431 : 400);
    const headers = { "Content-Type": KMS_JSON_CONTENT_TYPE, "x-amzn-ErrorType": e.type };
    return { status: e.status, headers, body: JSON.stringify(e.toBody()) };
  });
}

/** body-parser's error, as express passes it on. */
type BodyError = Error & { type?: string; length?: number; limit?: number };

/** The KMS error for a body express.json could not read. */
export function bodyError(err: BodyError): KmsError {
  const said = err.message.slice(0, 100);
  if (err.type === "entity.too.large") {
    const size = typeof err.length === "number" ? `${err.length} bytes, ` : "";
    return new KmsError(
      "ValidationException",
      `request body is ${size}larger than the ${err.limit ?? BODY_LIMIT_BYTES} this local KMS accepts. ` +
        "Fix: send a smaller request (KMS's largest inputs, e.g. a 4096-byte Plaintext, fit well within it)",
      413,
    );
  }
  if (err.type === "encoding.unsupported" || err.type === "charset.unsupported") {
    const message = `request body cannot be read: ${said}. Fix: send it as uncompressed UTF-8 JSON`;
    return new KmsError("SerializationException", message, 415);
  }
  if (err.type === "entity.parse.failed") {
    return new KmsError("SerializationException", `request body is not valid JSON: ${said}`);
  }
  return new KmsError("SerializationException", `request body could not be read: ${said}`);
}
