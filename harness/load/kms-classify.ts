/**
 * @module harness/load/kms-classify
 * What KMS makes of one answer under load: a success, a KMS timeout (slower than the budget: KMS gives up,
 * retries once, then raises KMSInvalidStateException to its caller), a throttle (429 ThrottlingException), or a
 * proxy error as the `XksProxyErrors` CloudWatch metric reports it, by ErrorType and ExceptionName.
 */
import { classifyError, classifyNetworkError, type XksResponse } from "../../src/client/index.js";
import { xksProxyErrorType, type XksProxyErrorType } from "../../src/xks/index.js";

export type Outcome =
  | { kind: "ok" }
  | { kind: "kms-timeout" }
  | { kind: "throttle" }
  | { kind: "error"; errorType: XksProxyErrorType; exceptionName: string; detail: string };

/** An answer that came back: non-200 is an error (429 a throttle); a 200 that fails verification is a wrong answer. */
export function classifyAnswer(res: XksResponse, latencyMs: number, budgetMs: number, wrong: string | undefined): Outcome {
  if (res.status !== 200) {
    const failed = classifyError(res);
    if (res.status === 429 || failed.failure === "ThrottlingException") return { kind: "throttle" };
    return { kind: "error", errorType: xksProxyErrorType(failed.failure), exceptionName: failed.failure, detail: failed.detail };
  }
  // KMS stops waiting at the budget: a late right answer is a timeout to KMS's caller all the same.
  if (latencyMs > budgetMs) return { kind: "kms-timeout" };
  if (wrong !== undefined) return { kind: "error", errorType: "Non-retryable", exceptionName: "WrongAnswer", detail: wrong };
  return { kind: "ok" };
}

export function classifyThrown(err: unknown, timeoutMs: number): Outcome {
  const failed = classifyNetworkError(err, timeoutMs);
  if (failed.failure === "Timeout") return { kind: "kms-timeout" };
  return { kind: "error", errorType: xksProxyErrorType(failed.failure), exceptionName: failed.failure, detail: failed.detail };
}
