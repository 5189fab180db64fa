/**
 * @module xks/kms-outcome
 * The one classification of what a proxy answered (docs/spec-notes.md, "What KMS makes of a proxy's answer"):
 * an HTTP error by status and errorName, or a 200 that breaks the spec (answers.ts verifies it), each as the
 * ProxyFailure KMS would see; and under load, KMS's view of one call: ok, a KMS timeout, a throttle, or a proxy
 * error with the ErrorType of KMS's XksProxyErrors metric and the ConnectionErrorCode. Pure and package-free: the
 * Artillery processor uses it as well as the client (src/client/classify.ts adds the calls that got no answer).
 */
import type { AnswerCheck } from "./answers.js";
import { isXksErrorName } from "./errors.js";
import { KMS_FAILURE_OUTCOMES, xksProxyErrorType, type ProxyFailure, type XksProxyErrorType } from "./kms-failures.js";

export interface Failed {
  ok: false;
  failure: ProxyFailure;
  detail: string;
}

/** A value, or the failure KMS would see instead. */
export type Result<T> = { ok: true; value: T } | Failed;

/** What classification reads of an answer. */
export interface AnswerLike {
  status: number;
  json: unknown;
  text: string;
}

/** A response that is not 200: the errorName when the body names one from the spec table, else malformed. */
export function classifyError(res: AnswerLike): Failed {
  const name = (res.json as { errorName?: unknown } | undefined)?.errorName;
  if (isXksErrorName(name)) return { ok: false, failure: name, detail: `HTTP ${res.status} ${name}` };
  return { ok: false, failure: "MalformedResponse", detail: `HTTP ${res.status} with ${res.json === undefined ? "a body that is not JSON" : "no errorName from the spec"}: ${res.text.slice(0, 120)}` };
}

/** A 200 checked by an answers.ts verifier, as a Result; `what` prefixes the problem ("encrypt answer"). */
export function answerResult<T>(check: AnswerCheck<T>, what: string): Result<T> {
  return check.ok ? check : { ok: false, failure: check.failure, detail: `${what}: ${check.problem}` };
}

/**
 * The exceptionName under which load, watch and the Artillery processor count a 200 that failed verification: KMS
 * counts it by its failure (MalformedResponse or InvalidCiphertextReturned), but a capacity report must tell "the
 * proxy answered fast but wrong" apart from other errors.
 */
export const WRONG_ANSWER = "WrongAnswer";

/**
 * What KMS makes of one call: a success, a KMS timeout (slower than the budget: KMS gives up, retries once, then
 * raises KMSInvalidStateException to its caller), a throttle (429 ThrottlingException), or a proxy error as the
 * `XksProxyErrors` CloudWatch metric reports it (ErrorType, ExceptionName), with the ConnectionErrorCode the same
 * failure gives ConnectCustomKeyStore where one fits.
 */
export type KmsOutcome =
  | { kind: "ok" }
  | { kind: "kms-timeout" }
  | { kind: "throttle" }
  | {
      kind: "error";
      errorType: XksProxyErrorType;
      exceptionName: string;
      detail: string;
      connectionErrorCode?: string | undefined;
    };

export function errorOutcome(failed: Failed, exceptionName: string = failed.failure): KmsOutcome {
  const connectionErrorCode = KMS_FAILURE_OUTCOMES[failed.failure].connectionErrorCode;
  const errorType = xksProxyErrorType(failed.failure);
  return { kind: "error", errorType, exceptionName, detail: failed.detail, ...(connectionErrorCode ? { connectionErrorCode } : {}) };
}

/**
 * An answer that came back: non-200 is an error (429 a throttle); a right answer later than the budget is a KMS
 * timeout all the same; a 200 whose verification failed (`wrong`, from answerResult) is a wrong answer.
 */
export function classifyAnswer(
  res: AnswerLike,
  latencyMs: number,
  budgetMs: number,
  wrong: Failed | undefined,
): KmsOutcome {
  if (res.status !== 200) {
    const failed = classifyError(res);
    if (res.status === 429 || failed.failure === "ThrottlingException") return { kind: "throttle" };
    return errorOutcome(failed);
  }
  // KMS stops waiting at the budget: a late right answer is a timeout to KMS's caller all the same.
  if (latencyMs > budgetMs) return { kind: "kms-timeout" };
  if (wrong !== undefined) return errorOutcome(wrong, WRONG_ANSWER);
  return { kind: "ok" };
}
