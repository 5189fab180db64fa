/**
 * @module harness/load/kms-classify
 * What KMS makes of one answer under load: a success, a KMS timeout (slower than the budget: KMS gives up,
 * retries once, then raises KMSInvalidStateException to its caller), a throttle (429 ThrottlingException), or a
 * proxy error as the `XksProxyErrors` CloudWatch metric reports it, by ErrorType and ExceptionName.
 */
import { classifyError, classifyNetworkError, type XksResponse } from "../../src/client/index.js";
import type { ProxyFailure } from "../../src/xks/index.js";

export type ErrorType = "Retryable" | "Non-retryable";

/**
 * The ErrorType of the XksProxyErrors metric (AWS KMS Developer Guide, "Monitoring with CloudWatch":
 * "Retryable errors are typically transient, such as throttling or a timeout; non-retryable errors need the
 * proxy or the key store fixed"). No table in the spec: this is the one place the split is made.
 */
const RETRYABLE: ReadonlySet<ProxyFailure> = new Set<ProxyFailure>(["ThrottlingException", "InternalException", "DependencyTimeoutException", "Timeout", "TcpFailure"]);

export function errorTypeOf(failure: ProxyFailure | "WrongAnswer"): ErrorType {
  return failure !== "WrongAnswer" && RETRYABLE.has(failure) ? "Retryable" : "Non-retryable";
}

export type Outcome =
  | { kind: "ok" }
  | { kind: "kms-timeout" }
  | { kind: "throttle" }
  | { kind: "error"; errorType: ErrorType; exceptionName: string; detail: string };

/** An answer that came back: non-200 is an error (429 a throttle); a 200 that fails verification is a wrong answer. */
export function classifyAnswer(res: XksResponse, latencyMs: number, budgetMs: number, wrong: string | undefined): Outcome {
  if (res.status !== 200) {
    const failed = classifyError(res);
    if (res.status === 429 || failed.failure === "ThrottlingException") return { kind: "throttle" };
    return { kind: "error", errorType: errorTypeOf(failed.failure), exceptionName: failed.failure, detail: failed.detail };
  }
  // KMS stops waiting at the budget: a late right answer is a timeout to KMS's caller all the same.
  if (latencyMs > budgetMs) return { kind: "kms-timeout" };
  if (wrong !== undefined) return { kind: "error", errorType: "Non-retryable", exceptionName: "WrongAnswer", detail: wrong };
  return { kind: "ok" };
}

export function classifyThrown(err: unknown, timeoutMs: number): Outcome {
  const failed = classifyNetworkError(err, timeoutMs);
  if (failed.failure === "Timeout") return { kind: "kms-timeout" };
  return { kind: "error", errorType: errorTypeOf(failed.failure), exceptionName: failed.failure, detail: failed.detail };
}
