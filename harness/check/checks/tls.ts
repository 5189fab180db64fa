/**
 * @module harness/check/checks/tls
 * Check 4: the TLS handshake KMS would make (spec "HTTP and TLS"): TLS 1.2 or later with one of the spec's four
 * suites, a certificate for the endpoint's host that is in date and chains to a root KMS trusts, and HTTP/1.1.
 */
import { checkServerIdentity, connect, type DetailedPeerCertificate, type TLSSocket } from "node:tls";
import type { CheckContext } from "../context.js";
import { CHECK_TITLES, type CheckResult } from "../types.js";
import { kmsTrustedCas, normalizeFingerprint } from "../trusted-cas.js";
import { XKS_TLS_CIPHERS } from "../../../src/xks/constants.js";

const DAY_MS = 24 * 3600 * 1000;
/** Warn when the certificate expires sooner than this. */
const EXPIRY_WARNING_DAYS = 30;

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

const OFFER_A_SPEC_SUITE = `offer one of the spec's suites: ${XKS_TLS_CIPHERS.join(", ")}`;

const HANDSHAKE_FIXES: Record<string, string> = {
  ERR_SSL_UNSUPPORTED_PROTOCOL: "enable TLS 1.2 or 1.3 on the proxy",
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: "enable TLS 1.2 or 1.3 on the proxy",
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: OFFER_A_SPEC_SUITE,
  ERR_SSL_NO_SHARED_CIPHER: OFFER_A_SPEC_SUITE,
};

export async function tlsCheck(ctx: CheckContext): Promise<CheckResult> {
  const start = performance.now();
  const base = { id: "tls" as const, title: CHECK_TITLES["tls"] };
  let hs: Handshake;
  try {
    hs = await handshake(ctx);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "ERROR";
    const timedOut = code === "ETIMEDOUT";
    return {
      ...base,
      status: "fail",
      ms: performance.now() - start,
      detail: `handshake failed: ${code} (${(err as Error).message.slice(0, 160)})`,
      failure: timedOut ? "Timeout" : "TlsFailure",
      fix: HANDSHAKE_FIXES[code] ?? (timedOut ? "the proxy accepted TCP but never finished TLS; check the listener is TLS" : "make the proxy offer TLS 1.2+ with one of the spec's four suites"),
    };
  }
  const { socket, ms } = hs;
  ctx.timings.tlsMs = ms;
  try {
    const problems: string[] = [];
    const warnings: string[] = [];
    const fixes: string[] = [];
    const protocol = socket.getProtocol() ?? "unknown";
    const cipher = socket.getCipher().standardName ?? socket.getCipher().name;
    const alpn = socket.alpnProtocol;
    const chain = chainOf(socket);
    const leaf = chain[0];
    const { host, isIp } = ctx.endpoint;
    const dev = ctx.options.dev;

    if (!leaf) problems.push("the server sent no certificate");
    if (leaf) {
      const identity = checkServerIdentity(host, leaf);
      if (identity) {
        problems.push(`certificate does not match ${host}: ${identity.message.slice(0, 160)}`);
        fixes.push(`get a certificate whose SAN (or CN) covers ${host}`);
      }
      const notAfter = new Date(leaf.valid_to).getTime();
      const daysLeft = Math.floor((notAfter - Date.now()) / DAY_MS);
      if (new Date(leaf.valid_from).getTime() > Date.now()) problems.push(`certificate is not valid before ${leaf.valid_from}`);
      if (notAfter < Date.now()) {
        problems.push(`certificate expired on ${leaf.valid_to}`);
        fixes.push("renew the proxy's certificate");
      } else if (daysLeft < EXPIRY_WARNING_DAYS) {
        warnings.push(`certificate expires in ${daysLeft} days (${leaf.valid_to})`);
        fixes.push("renew the proxy's certificate before it expires");
      }
    }
    const authError = socket.authorizationError ? String(socket.authorizationError) : undefined;
    if (authError && authError !== "CERT_HAS_EXPIRED" && authError !== "ERR_TLS_CERT_ALTNAME_INVALID") {
      const selfSigned = authError === "DEPTH_ZERO_SELF_SIGNED_CERT" || authError === "SELF_SIGNED_CERT_IN_CHAIN";
      problems.push(`certificate chain does not verify: ${authError}${selfSigned ? " (self-signed)" : authError === "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" || authError === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" ? " (incomplete chain or unknown CA)" : ""}`);
      fixes.push(selfSigned || dev ? "use a certificate from a public CA KMS trusts (for local use pass its CA with --ca)" : "serve the full chain (leaf + intermediates) from a CA KMS trusts");
    }
    const root = chain.at(-1);
    const rootFp = root?.fingerprint256 ? normalizeFingerprint(root.fingerprint256) : undefined;
    const trusted = rootFp ? kmsTrustedCas().get(rootFp) : undefined;
    if (!authError && !trusted) {
      const msg = `root CA "${root?.subject?.CN ?? "unknown"}" is not in KMS's trusted CA list`;
      if (dev) {
        warnings.push(`${msg} (allowed with --dev)`);
        fixes.push("fine for local use; real KMS needs a certificate that chains to a CA in the spec's TrustedCertificateAuthorities list");
      } else {
        problems.push(msg);
        fixes.push("use a certificate that chains to a CA in the spec's TrustedCertificateAuthorities list");
      }
    }
    if (isIp && !dev) problems.push("the endpoint is an IP address; KMS needs a DNS name matching the certificate");
    if (alpn && alpn !== "http/1.1") problems.push(`server chose ALPN ${alpn}; it must fall back to HTTP/1.1`);

    const summary = `${protocol}, ${cipher}${leaf ? `, certificate CN=${String(leaf.subject?.CN ?? "")} valid to ${leaf.valid_to}` : ""}${trusted ? `, root ${trusted.alias} (KMS-trusted)` : ""}`;
    const data = { protocol, cipher, alpn: alpn || null, subject: leaf?.subject?.CN ?? null, validTo: leaf?.valid_to ?? null, root: trusted?.alias ?? root?.subject?.CN ?? null };
    if (problems.length) {
      return { ...base, status: "fail", ms, detail: `${summary}. ${problems.join("; ")}`, failure: "TlsFailure", fix: fixes[0] ?? "fix the TLS configuration named above", data };
    }
    if (warnings.length) return { ...base, status: "warn", ms, detail: `${summary}. ${warnings.join("; ")}`, fix: fixes[0], data };
    return { ...base, status: "pass", ms, detail: summary, data };
  } finally {
    socket.destroy();
  }
}
