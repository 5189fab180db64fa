/**
 * @module harness/common/aws-call-error
 * What a failed AWS SDK call (KMS for update, EC2 for the VPC check) means to the user, in words with the fix: a
 * connection problem names the endpoint and the flag that chose it (src/error-words.ts), missing or refused
 * credentials say how to give them, an answer that is not the service's says the endpoint is wrong. A service's own
 * exception keeps its name and message: that text is the service's explanation, not a library's.
 */
import { errorWords, libraryText } from "../../src/error-words.js";
import { isLoopbackHost } from "./aws-credentials.js";

export interface AwsCallPlace {
  service: "KMS" | "EC2";
  /** The flag that sets the endpoint: "--kms-endpoint", "--ec2-endpoint". */
  flag: string;
  /** The endpoint given with `flag`; undefined: the SDK calls AWS. */
  endpoint?: string | undefined;
  region: string;
  timeoutMs?: number | undefined;
}

interface SdkError {
  name?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

const CREDENTIAL_FIX =
  "give AWS credentials: `aws configure`, AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
const REFUSED_CREDENTIALS = new Set([
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "AuthFailure",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "ExpiredTokenException",
  "ExpiredToken",
]);
const DENIED = new Set(["AccessDeniedException", "AccessDenied", "UnauthorizedOperation"]);

/** The endpoint's host and port, and how to name it in a message. */
function target(p: AwsCallPlace): { host: string; port: number; named: string; local: boolean } {
  if (!p.endpoint) {
    const host = `${p.service.toLowerCase()}.${p.region}.amazonaws.com`;
    return { host, port: 443, named: `${p.service} (${host})`, local: false };
  }
  try {
    const url = new URL(p.endpoint);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const port = url.port ? Number(url.port) : url.protocol === "http:" ? 80 : 443;
    return { host, port, named: `${p.flag} ${p.endpoint}`, local: isLoopbackHost(url.hostname) };
  } catch {
    return { host: p.endpoint, port: 443, named: `${p.flag} ${p.endpoint}`, local: false };
  }
}

/** One line for the user: what went wrong with the call, and "Fix: …". */
export function awsCallFailure(err: unknown, p: AwsCallPlace): string {
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? "Error";
  const t = target(p);
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(e.message ?? "")) {
    return `no AWS credentials were found for ${p.service}. Fix: ${CREDENTIAL_FIX}`;
  }
  if (REFUSED_CREDENTIALS.has(name)) {
    const fix = `use credentials of the account that owns the key store, for region ${p.region}`;
    return `${t.named} does not accept these AWS credentials (${name}). Fix: ${fix}`;
  }
  if (DENIED.has(name)) {
    const said = (e.message ?? "").slice(0, 200);
    return `${p.service} denied the call (${name}: ${said}). Fix: allow the call to these credentials in IAM`;
  }
  const service = t.local ? `the local ${p.service} (xks-mock)` : p.service;
  const words = errorWords(err, { host: t.host, port: t.port, flag: p.flag, service, timeoutMs: p.timeoutMs });
  if (words) return `${p.service} call to ${t.named} failed: ${words.cause}. Fix: ${words.fix}`;
  // A service exception: the SDK names it after the service's own error, with the service's message.
  // (Not SyntaxError and kin: those are the SDK failing to read an answer that is not the service's.)
  const deserializing = /Deserializ|Unexpected token|not valid JSON/i.test(e.message ?? "");
  if (e.$fault && e.$metadata?.httpStatusCode !== undefined && !/Error$/.test(name) && !deserializing) {
    return `${p.service} answered ${name}: ${(e.message ?? "").slice(0, 300)}`;
  }
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined || deserializing) {
    const fix = `point ${p.flag} at a ${p.service} endpoint (the local KMS serves KMS and EC2), or leave it out`;
    return `${t.named} did not answer as ${p.service} does${status ? ` (HTTP ${status})` : ""}. Fix: ${fix}`;
  }
  return `${p.service} call to ${t.named} failed: unexpected error (${libraryText(err)})`;
}
