/**
 * @module harness/watch/calls
 * The calls of one watch round, each sent as KMS sends it (a fresh SigV4 signature, KMS's requestMetadata and
 * kmsOperation: KmsHealthCheck for the health poll, CreateKey for GetKeyMetadata, Encrypt and Decrypt for the round
 * trip), verified (src/xks/answers.ts), and judged as KMS judges the answer (src/xks/kms-outcome.ts). Each becomes one
 * ProxyCall for the metrics: its time, the deadline when KMS would have timed out, and the error KMS would count.
 */
import { answerResult, XksClient, type Failed, type XksResponse } from "../../src/client/index.js";
import type { ProxyCall } from "../../src/metrics/xks-metrics.js";
import { keyUnusableReason, KMS_PROXY_TIMEOUT_MS, verifyHealthAnswer, verifyMetadataAnswer, xksProxyErrorType, type HealthAnswer, type XksOperation } from "../../src/xks/index.js";
import { decryptProbe, encryptProbe } from "../check/probe.js";
import { classifyAnswer, classifyThrown, type KmsOutcome as Outcome } from "../../src/client/index.js";

/** The health fleet of a GetHealthStatus answer that fit the spec's schema. */
export type Fleet = HealthAnswer["ekmFleetDetails"];

/** One call of a round: what was sent, how long the answer took, and what KMS would make of it. */
export interface WatchCall {
  xksOperation: XksOperation;
  /** The kmsOperation the request carried (read from the request itself). */
  kmsOperation: string;
  keyId?: string | undefined;
  /** Milliseconds to the whole answer; undefined when none came (any status is an answer). */
  ms?: number | undefined;
  outcome: Outcome;
}

/** The last exchange of a client: the answer or the error, and the request's kmsOperation. */
interface Exchange {
  kmsOperation: string;
  res?: XksResponse;
  err?: unknown;
}

/**
 * An XksClient that remembers its last exchange. The check's probes (encrypt → decrypt, verified) return only
 * their verdict; the metrics also need the answer's status and time, which this keeps beside it.
 */
export class RecordingClient extends XksClient {
  last: Exchange | undefined;

  override async send(path: string, body: unknown, o?: Parameters<XksClient["send"]>[2]): Promise<XksResponse> {
    const kmsOperation = String((body as { requestMetadata?: { kmsOperation?: unknown } } | undefined)?.requestMetadata?.kmsOperation ?? "");
    this.last = { kmsOperation };
    try {
      const res = await super.send(path, body, o);
      this.last = { kmsOperation, res };
      return res;
    } catch (err) {
      this.last = { kmsOperation, err };
      throw err;
    }
  }
}

/** KMS's judgement of the client's last exchange; `wrong` says why a 200 answer is not usable. */
function judged(client: RecordingClient, xksOperation: XksOperation, keyId: string | undefined, wrong: Failed | undefined, timeoutMs: number): WatchCall {
  const last = client.last ?? { kmsOperation: "", err: new Error("no request was sent") };
  const base = { xksOperation, kmsOperation: last.kmsOperation, keyId };
  if (!last.res) return { ...base, outcome: classifyThrown(last.err, timeoutMs) };
  const ms = last.res.ms;
  return { ...base, ms, outcome: classifyAnswer(last.res, ms, KMS_PROXY_TIMEOUT_MS, last.res.status === 200 ? wrong : undefined) };
}

/** GetHealthStatus, as KMS's periodic poll sends it; the fleet when the answer fits the schema. */
export async function healthCall(client: RecordingClient, timeoutMs: number): Promise<{ call: WatchCall; fleet?: Fleet | undefined }> {
  let fleet: Fleet | undefined;
  let wrong: Failed | undefined;
  try {
    const res = await client.health({ kmsOperation: "KmsHealthCheck" });
    const r = answerResult(verifyHealthAnswer(res.json), "health answer breaks the spec");
    if (r.ok) fleet = r.value.ekmFleetDetails;
    else if (res.status === 200) wrong = r;
  } catch {
    // Judged from the recorded exchange below.
  }
  return { call: judged(client, "health", undefined, wrong, timeoutMs), fleet: fleet && fleet.length ? fleet : undefined };
}

/**
 * Per key: GetKeyMetadata (usable as CreateKey needs it: AES_256, ENCRYPT+DECRYPT, ENABLED), then encrypt →
 * decrypt with AAD, the CDIV recomputed and the plaintext compared (harness/check/probe.ts). A step that fails
 * ends the key's calls: the next one would only repeat the failure.
 */
export async function keyCalls(client: RecordingClient, keyId: string, timeoutMs: number): Promise<WatchCall[]> {
  const calls: WatchCall[] = [];
  let wrong: Failed | undefined;
  try {
    const res = await client.metadata(keyId, { kmsOperation: "CreateKey" });
    const r = answerResult(verifyMetadataAnswer(res.json), "GetKeyMetadata answer breaks the spec");
    const unusable = r.ok ? keyUnusableReason(r.value) : undefined;
    if (!r.ok) wrong = r;
    else if (unusable) wrong = { ok: false, failure: "MalformedResponse", detail: `GetKeyMetadata answer: CreateKey would refuse it (${unusable})` };
  } catch {
    // Judged from the recorded exchange below.
  }
  calls.push(judged(client, "metadata", keyId, wrong, timeoutMs));
  if (calls.at(-1)!.outcome.kind !== "ok") return calls;
  const enc = await encryptProbe(client, keyId, timeoutMs);
  calls.push(judged(client, "encrypt", keyId, enc.ok ? undefined : enc, timeoutMs));
  if (!enc.ok || calls.at(-1)!.outcome.kind !== "ok") return calls;
  const dec = await decryptProbe(client, enc.value, timeoutMs);
  calls.push(judged(client, "decrypt", keyId, dec.ok ? undefined : dec, timeoutMs));
  return calls;
}

/**
 * The call as the metrics take it: its time, and KMS's deadline when KMS would have timed out (the call was cut at
 * --timeout, or answered after KMS's 250 ms: KMS stopped waiting at 250 either way).
 */
export function proxyCall(c: WatchCall, customKeyStoreId: string): ProxyCall {
  return {
    customKeyStoreId,
    xksOperation: c.xksOperation,
    kmsOperation: c.kmsOperation,
    ms: c.ms,
    timedOutAfterMs: c.outcome.kind === "kms-timeout" ? KMS_PROXY_TIMEOUT_MS : undefined,
    error: metricError(c.outcome),
  };
}

/** The XksProxyErrors labels of a failed call; undefined for a success. */
function metricError(o: Outcome): ProxyCall["error"] {
  if (o.kind === "ok") return undefined;
  if (o.kind === "kms-timeout") return { errorType: xksProxyErrorType("Timeout"), exceptionName: "Timeout" };
  if (o.kind === "throttle") return { errorType: xksProxyErrorType("ThrottlingException"), exceptionName: "ThrottlingException" };
  return { errorType: o.errorType, exceptionName: o.exceptionName };
}

/** One line about a failed call, for the state log. */
export function describeFailure(c: WatchCall): string {
  const what = `${c.xksOperation}${c.keyId ? ` ${c.keyId}` : ""}`;
  const o = c.outcome;
  if (o.kind === "kms-timeout") return `${what}: no answer within KMS's ${KMS_PROXY_TIMEOUT_MS} ms${c.ms !== undefined ? ` (answered after ${Math.round(c.ms)} ms)` : ""} (Timeout, Retryable)`;
  if (o.kind === "throttle") return `${what}: 429 ThrottlingException (Retryable)`;
  if (o.kind === "error") return `${what}: ${o.exceptionName} (${o.errorType}): ${o.detail}`;
  return `${what}: ok`;
}
