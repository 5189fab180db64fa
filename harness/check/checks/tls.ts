/**
 * @module harness/check/checks/tls
 * Check 4: the TLS handshake KMS would make (spec "HTTP and TLS"): TLS 1.2 or later with one of the spec's four
 * suites, a certificate for the endpoint's host that is in date and chains to a root KMS trusts, and HTTP/1.1.
 */
import { connect, type DetailedPeerCertificate, type TLSSocket } from "node:tls";
import type { CheckContext } from "../context.js";
import { CHECK_TITLES, type CheckResult } from "../types.js";
import { certificateFindings, type Finding } from "../tls-certificate.js";
import { diagnoseHandshake, type HandshakeDiagnosis } from "../tls-diagnose.js";
import { observeHandshake, type TlsObservation, type TlsTarget } from "../tls-observe.js";
import { caNamesText, MTLS_REQUIRED, mtlsFix, probeCertificateRequest, refusedAfterHandshake, subjectWarning } from "../tls-client-auth.js";
import { kmsClientSubject, XKS_TLS_CIPHERS, XKS_TLS_MIN_VERSION } from "../../../src/xks/constants.js";
import { certificateCommonName } from "../../../src/pki/client-certificate.js";
import { libraryText } from "../../../src/error-words.js";

interface Handshake {
  socket: TLSSocket;
  ms: number;
}

function handshake(ctx: CheckContext): Promise<Handshake> {
  const { host, port, isIp } = ctx.endpoint;
  // Built before the clock starts: parsing ~140 roots is not part of the handshake KMS makes.
  const secureContext = ctx.xksTls();
  return new Promise((resolve, reject) => {
    const start = performance.now();
    // Verification is judged below, item by item, so the report can say which rule failed; no request is ever
    // sent on this connection.
    const socket = connect({
      host: ctx.addresses[0] ?? host,
      port,
      ...(isIp ? {} : { servername: host }),
      secureContext,
      ALPNProtocols: ["http/1.1"],
      rejectUnauthorized: false,
      // The host name is judged on its own (tls-certificate.ts), so `authorized` says whether the chain verifies:
      // a certificate for another host with a good chain is a name mismatch, not an untrusted chain.
      checkServerIdentity: () => undefined,
    });
    socket.setTimeout(ctx.options.timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error(`no TLS handshake within ${ctx.options.timeoutMs} ms`), { code: "ETIMEDOUT" }));
    });
    socket.once("secureConnect", () => {
      socket.setTimeout(0);
      resolve({ socket, ms: performance.now() - start });
    });
    socket.once("error", reject);
  });
}

/**
 * Why the TLS library refuses the chain, code and message, for --verbose: the handshake above only keeps the code.
 * One more handshake, verifying as a strict client would (the host name aside, judged on its own); never a decision.
 */
function libraryVerifyError(ctx: CheckContext): Promise<string> {
  const { host, port, isIp } = ctx.endpoint;
  return new Promise((resolve) => {
    const socket = connect({
      host: ctx.addresses[0] ?? host,
      port,
      ...(isIp ? {} : { servername: host }),
      secureContext: ctx.xksTls(),
      checkServerIdentity: () => undefined,
    });
    const done = (text: string) => {
      socket.destroy();
      resolve(text);
    };
    socket.setTimeout(ctx.options.timeoutMs, () => done(`no TLS handshake within ${ctx.options.timeoutMs} ms`));
    socket.once("secureConnect", () => done(String(socket.authorizationError ?? "verified on a second handshake")));
    socket.once("error", (err) => done(libraryText(err)));
  });
}

/** The chain as Node verified it, leaf first (the root comes from the trust store when the server omits it). */
function chainOf(socket: TLSSocket): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  for (let i = 0; cert && Object.keys(cert).length > 0 && i < 10; i += 1) {
    chain.push(cert);
    if (!cert.issuerCertificate || cert.issuerCertificate === cert || cert.issuerCertificate.fingerprint256 === cert.fingerprint256) break;
    cert = cert.issuerCertificate;
  }
  return chain;
}

const NO_CERTIFICATE = "the proxy requires mTLS and no --client-cert was given";

function targetOf(ctx: CheckContext): TlsTarget {
  const { host, port, isIp } = ctx.endpoint;
  return { address: ctx.addresses[0] ?? host, port, servername: isIp ? undefined : host };
}

/**
 * The handshake failed (or was ended at once) and the proxy asks for a client certificate: the failure is mTLS,
 * not a protocol error. `probe` is the TLS 1.2 probe without a certificate; `refused` that a TLS 1.3 server ended
 * the connection right after the handshake.
 */
function clientAuthRefusal(ctx: CheckContext, probe: TlsObservation, refused: boolean): (HandshakeDiagnosis & { skipReason: string }) | undefined {
  const requested = probe.certificateRequest.requested === true;
  const alert = probe.alert ? ` (with a ${probe.alert} alert)` : "";
  if (!ctx.options.clientCert) {
    if (requested && !probe.ok) return { detail: `${MTLS_REQUIRED}. It asks for a client certificate and ends the handshake without one${alert}; ${caNamesText(probe)}`, fix: mtlsFix(ctx.options.region), skipReason: NO_CERTIFICATE };
    if (refused) return { detail: `${MTLS_REQUIRED}. It ended the TLS 1.3 connection right after a handshake without a client certificate; ${caNamesText(probe)}`, fix: mtlsFix(ctx.options.region), skipReason: NO_CERTIFICATE };
    return undefined;
  }
  if (!requested && !refused) return undefined;
  const subject = certificateCommonName(ctx.options.clientCert.cert);
  return {
    detail: `the proxy refused the client certificate CN=${subject ?? "(none)"}; ${caNamesText(probe)}`,
    skipReason: "the proxy refused the client certificate",
    fix: `present a certificate from a CA the proxy trusts, with a subject it allows (KMS presents CN ${kmsClientSubject(ctx.options.region)})`,
  };
}

/** The KMS-like offer again, with the server's bytes watched, then probes: what the server does, not what OpenSSL says. */
async function diagnoseFailedHandshake(ctx: CheckContext): Promise<HandshakeDiagnosis> {
  const target = targetOf(ctx);
  const offer = { minVersion: XKS_TLS_MIN_VERSION, ciphers: XKS_TLS_CIPHERS.join(":"), ALPNProtocols: ["http/1.1"] } as const;
  const first = await observeHandshake(target, offer, ctx.options.timeoutMs);
  ctx.verbose.push(`tls: KMS-like offer again: ${first.ok ? `${first.protocol} ${first.cipher}` : `${first.alert ? `alert ${first.alert}; ` : ""}${first.raw ?? ""}`}`);
  return diagnoseHandshake(target, first, ctx.options.timeoutMs, ctx.verbose);
}

export async function tlsCheck(ctx: CheckContext): Promise<CheckResult> {
  const start = performance.now();
  const base = { id: "tls" as const, title: CHECK_TITLES["tls"] };
  let hs: Handshake;
  try {
    hs = await handshake(ctx);
  } catch (err) {
    ctx.verbose.push(`tls: handshake error ${(err as NodeJS.ErrnoException).code ?? "ERROR"}: ${(err as Error).message.trim()}`);
    if ((err as NodeJS.ErrnoException).code === "ETIMEDOUT") {
      return { ...base, status: "fail", ms: performance.now() - start, detail: `handshake failed: no TLS handshake within ${ctx.options.timeoutMs} ms`, failure: "Timeout", fix: "the proxy accepted TCP but never finished TLS; check the listener is TLS" };
    }
    const probe = await probeCertificateRequest(targetOf(ctx), ctx.options.timeoutMs);
    const data = { clientCertificate: clientCertificateData(ctx, probe) };
    // mTLS first: a refused certificate (or none) is the truth, whatever a protocol probe would guess.
    const refusal = clientAuthRefusal(ctx, probe, false);
    if (refusal) return { ...base, status: "fail", ms: performance.now() - start, detail: refusal.detail, failure: "TlsFailure", fix: refusal.fix, skipReason: refusal.skipReason, data };
    const diagnosis = await diagnoseFailedHandshake(ctx);
    return { ...base, status: "fail", ms: performance.now() - start, detail: `handshake failed: ${diagnosis.detail}`, failure: "TlsFailure", fix: diagnosis.fix, data };
  }
  const { socket, ms } = hs;
  ctx.timings.tlsMs = ms;
  try {
    const protocol = socket.getProtocol() ?? "unknown";
    const cipher = socket.getCipher().standardName ?? socket.getCipher().name;
    const alpn = socket.alpnProtocol;
    const chain = chainOf(socket);
    const leaf = chain[0];
    const { isIp } = ctx.endpoint;
    const dev = ctx.options.dev;
    const reason = socket.authorized ? undefined : await libraryVerifyError(ctx);
    const { problems, warnings, trusted } = certificateFindings(ctx, chain, socket.authorized, reason);
    const root = chain.at(-1);
    if (isIp && !dev) problems.push({ text: "the endpoint is an IP address; KMS needs a DNS name matching the certificate", fix: "give the proxy a DNS name and a certificate for it" });
    if (alpn && alpn !== "http/1.1") problems.push({ text: `server chose ALPN ${alpn}; it must fall back to HTTP/1.1`, fix: "make the proxy accept HTTP/1.1 when a client offers it (ALPN http/1.1)" });

    // Read the server's certificate first: a refusal below ends the connection.
    const refused = await refusedAfterHandshake(socket, ms, ctx.options.timeoutMs, ctx.verbose);
    const probe = await probeCertificateRequest(targetOf(ctx), ctx.options.timeoutMs);
    const clientCertificate = clientCertificateData(ctx, probe, refused);
    const refusal = refused ? clientAuthRefusal(ctx, probe, true) : undefined;
    const mtls = mtlsSummary(ctx, probe);
    if (ctx.options.clientCert) {
      const w = subjectWarning(clientCertificate.presentedSubject, ctx.options.region);
      if (w && !refusal) warnings.push(w);
    }
    const summary = `${protocol}, ${cipher}${leaf ? `, certificate CN=${String(leaf.subject?.CN ?? "")} valid to ${leaf.valid_to}` : ""}${trusted ? `, root ${trusted.alias} (KMS-trusted)` : ""}${mtls ? `; ${mtls}` : ""}`;
    const data = { protocol, cipher, alpn: alpn || null, subject: leaf?.subject?.CN ?? null, validTo: leaf?.valid_to ?? null, root: trusted?.alias ?? root?.subject?.CN ?? null, clientCertificate };
    if (refusal) return { ...base, status: "fail", ms, detail: refusal.detail, failure: "TlsFailure", fix: refusal.fix, skipReason: refusal.skipReason, data };
    const list = (fs: Finding[]) => fs.map((f) => f.text).join("; ");
    // A problem's fix, never a warning's, when there is a problem: it is what stands between the proxy and KMS.
    if (problems.length) return { ...base, status: "fail", ms, detail: `${summary}. ${list(problems)}`, failure: "TlsFailure", fix: problems[0]!.fix, data };
    if (warnings.length) return { ...base, status: "warn", ms, detail: `${summary}. ${list(warnings)}`, fix: warnings[0]!.fix, data };
    return { ...base, status: "pass", ms, detail: summary, data };
  } finally {
    socket.destroy();
  }
}

/** The tls check's `data.clientCertificate`: what is known of the proxy's mTLS (for programs; the JSON report has no `data`). */
function clientCertificateData(ctx: CheckContext, probe: TlsObservation, refused = false) {
  const cr = probe.certificateRequest;
  const requested = cr.requested ?? (refused ? true : null);
  return {
    requested,
    /** Whether a handshake without a certificate is refused: known from the TLS 1.2 probe, or from a TLS 1.3 refusal. */
    required: cr.requested ? !probe.ok : refused && !ctx.options.clientCert ? true : cr.requested === false ? false : null,
    caNames: cr.requested ? cr.caNames : null,
    presentedSubject: ctx.options.clientCert ? certificateCommonName(ctx.options.clientCert.cert) : null,
  };
}

/** The mTLS part of a passing handshake's summary, if there is anything to say. */
function mtlsSummary(ctx: CheckContext, probe: TlsObservation): string | undefined {
  const cr = probe.certificateRequest;
  const cert = ctx.options.clientCert;
  const subject = cert ? certificateCommonName(cert.cert) : null;
  if (cr.requested) {
    const how = probe.ok ? "asks for a client certificate (optional)" : "requires a client certificate";
    return `the proxy ${how}; ${caNamesText(probe)}${cert ? `; presented CN=${subject ?? "(none)"}, accepted` : ""}`;
  }
  if (!cert) return undefined;
  if (cr.requested === false) return `the proxy does not ask for a client certificate (CN=${subject ?? "(none)"} was not sent)`;
  return `presented CN=${subject ?? "(none)"}, accepted (whether the proxy asks for it cannot be read: in TLS 1.3 the request is encrypted)`;
}
