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
import { observeHandshake } from "../tls-observe.js";
import { XKS_TLS_CIPHERS, XKS_TLS_MIN_VERSION } from "../../../src/xks/constants.js";

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

/** The KMS-like offer again, with the server's bytes watched, then probes: what the server does, not what OpenSSL says. */
async function diagnoseFailedHandshake(ctx: CheckContext): Promise<HandshakeDiagnosis> {
  const { host, port, isIp } = ctx.endpoint;
  const target = { address: ctx.addresses[0] ?? host, port, servername: isIp ? undefined : host };
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
    const diagnosis = await diagnoseFailedHandshake(ctx);
    return { ...base, status: "fail", ms: performance.now() - start, detail: `handshake failed: ${diagnosis.detail}`, failure: "TlsFailure", fix: diagnosis.fix };
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
    const reason = socket.authorizationError ? String(socket.authorizationError) : undefined;
    const { problems, warnings, trusted } = certificateFindings(ctx, chain, socket.authorized, reason);
    const root = chain.at(-1);
    if (isIp && !dev) problems.push({ text: "the endpoint is an IP address; KMS needs a DNS name matching the certificate", fix: "give the proxy a DNS name and a certificate for it" });
    if (alpn && alpn !== "http/1.1") problems.push({ text: `server chose ALPN ${alpn}; it must fall back to HTTP/1.1`, fix: "make the proxy accept HTTP/1.1 when a client offers it (ALPN http/1.1)" });

    const summary = `${protocol}, ${cipher}${leaf ? `, certificate CN=${String(leaf.subject?.CN ?? "")} valid to ${leaf.valid_to}` : ""}${trusted ? `, root ${trusted.alias} (KMS-trusted)` : ""}`;
    const data = { protocol, cipher, alpn: alpn || null, subject: leaf?.subject?.CN ?? null, validTo: leaf?.valid_to ?? null, root: trusted?.alias ?? root?.subject?.CN ?? null };
    const list = (fs: Finding[]) => fs.map((f) => f.text).join("; ");
    // A problem's fix, never a warning's, when there is a problem: it is what stands between the proxy and KMS.
    if (problems.length) return { ...base, status: "fail", ms, detail: `${summary}. ${list(problems)}`, failure: "TlsFailure", fix: problems[0]!.fix, data };
    if (warnings.length) return { ...base, status: "warn", ms, detail: `${summary}. ${list(warnings)}`, fix: warnings[0]!.fix, data };
    return { ...base, status: "pass", ms, detail: summary, data };
  } finally {
    socket.destroy();
  }
}
