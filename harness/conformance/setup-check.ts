/**
 * @module harness/conformance/setup-check
 * Before the suite: one health call signed with the given settings. When it gets no answer at all, or 401, 403 or
 * 404, what is wrong is the run's settings (secret, endpoint, trust, path), not the proxy's conformance: every
 * case would fail for that one reason, each after its own timeout. The run reports it once, with the cause and the
 * fix, and skips the cases. Any other answer (a 500, a broken health document) is for the cases to judge.
 */
import { classifyNetworkError, networkErrorCode, ResponseTooLargeError, type XksResponse } from "../../src/client/index.js";
import type { ConformanceContext, ConformanceTarget, SetupFailure } from "./types.js";

/** Where the bundled xks-mock image keeps the CA it makes on first start (WORKDIR /app, certs/ca.pem). */
export const MOCK_IMAGE_CA_PATH = "/app/certs/ca.pem";

/** OpenSSL verify results that mean "no trusted CA issued this": the fix is a trust anchor. */
const UNTRUSTED = new Set(["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_UNTRUSTED"]);
const CLOSED = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);
const SECRET_SOURCES = "$XKS_SECRET_ACCESS_KEY, --secret-file or --proxy-config";

/** The health call with the target's settings; undefined when the suite can run. */
export async function checkSetup(ctx: ConformanceContext): Promise<SetupFailure | undefined> {
  let res: XksResponse;
  try {
    res = await ctx.client.health();
  } catch (err) {
    return noAnswer(err, ctx.target);
  }
  return refusedSettings(res, ctx.target);
}

function refusedSettings(res: XksResponse, t: ConformanceTarget): SetupFailure | undefined {
  const name = (res.json as { errorName?: unknown } | undefined)?.errorName;
  const answer = `HTTP ${res.status}${typeof name === "string" ? ` ${name}` : ""}`;
  const id = t.settings.accessKeyId;
  if (res.status === 401) {
    return {
      failure: "AuthenticationFailedException",
      summary: "wrong credential",
      cause: `wrong credential: the proxy answered ${answer} to a health call signed with access key id ${id}`,
      fix: `check --access-key-id and its secret (${SECRET_SOURCES}); the proxy must know both, and this machine's clock must be right`,
    };
  }
  if (res.status === 403) {
    return {
      failure: "AccessDeniedException",
      summary: "health refused",
      cause: `health refused: the proxy answered ${answer} to a health call signed with access key id ${id}`,
      fix: "GetHealthStatus must be exempt from the proxy's secondary authorization; allow it for this access key id",
    };
  }
  if (res.status === 404) {
    return {
      failure: "InvalidUriPathException",
      summary: "wrong path",
      cause: `wrong path: the proxy answered ${answer} to ${t.settings.path}/health`,
      fix: "correct --path: the proxy's prefix followed by /kms/xks/v1",
    };
  }
  return undefined;
}

function noAnswer(err: unknown, t: ConformanceTarget): SetupFailure | undefined {
  // An answer too long to read is an answer: the cases report it.
  if (err instanceof ResponseTooLargeError) return undefined;
  const code = networkErrorCode(err);
  const { failure } = classifyNetworkError(err, t.timeoutMs);
  const endpoint = t.settings.endpoint;
  const image = t.image;
  if (UNTRUSTED.has(code)) {
    const fix = !image
      ? "pass the CA that issued the proxy's certificate with --ca FILE"
      : image.caPath
        ? `the CA copied from --image-ca-path ${image.caPath} did not issue the certificate the container serves: name the CA file its proxy uses`
        : `pass --image-ca-path PATH to trust the CA the container holds (the bundled xks-mock image: --image-ca-path ${MOCK_IMAGE_CA_PATH}), or --ca FILE`;
    return { failure: "TlsFailure", summary: "untrusted CA", cause: `untrusted CA: the certificate of ${endpoint} does not chain to a CA trusted here (${code})`, fix };
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return { failure: "TlsFailure", summary: "certificate for another host", cause: `the certificate of ${endpoint} does not name its host (${code})`, fix: "use an --endpoint whose host the certificate names (e.g. localhost for the dev PKI)" };
  }
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") {
    return { failure: "TlsFailure", summary: "certificate out of date", cause: `the certificate of ${endpoint} is ${code === "CERT_HAS_EXPIRED" ? "expired" : "not valid yet"} (${code})`, fix: "renew the proxy's certificate (or check this machine's clock)" };
  }
  if (failure === "Timeout") {
    return { failure, summary: "no answer", cause: `no answer from ${endpoint} within ${t.timeoutMs} ms (${code})`, fix: "check that the proxy is up and serving HTTPS at --endpoint; raise --timeout-ms if it is only slow" };
  }
  if (code === "ECONNREFUSED") {
    return { failure: "TcpFailure", summary: "unreachable", cause: `unreachable: nothing listens at ${endpoint} (${code})`, fix: "start the proxy, or correct --endpoint (host and port)" };
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return { failure: "DnsFailure", summary: "unknown host", cause: `the host of ${endpoint} does not resolve (${code})`, fix: "correct the host in --endpoint" };
  }
  if (CLOSED.has(code) || /CERTIFICATE_REQUIRED|ALERT_BAD_CERTIFICATE|ALERT_HANDSHAKE_FAILURE/.test(code)) {
    const mtls = t.clientCert ? "" : "a proxy that requires client certificates (mTLS) does this: pass --client-cert and --client-key; otherwise ";
    return { failure: failure === "TlsFailure" ? "TlsFailure" : "MalformedResponse", summary: "connection closed", cause: `the proxy at ${endpoint} closed the connection without answering (${code})`, fix: `${mtls}see the proxy's log` };
  }
  if (failure === "TlsFailure") {
    return { failure, summary: "TLS failed", cause: `TLS with ${endpoint} failed (${code})`, fix: "`xks-harness check` with the same flags diagnoses the proxy's TLS" };
  }
  return { failure, summary: "unreachable", cause: `unreachable: the health call to ${endpoint} failed (${code})`, fix: "check that the proxy is up and --endpoint is right" };
}
