/**
 * @module harness/watch/certificate
 * The proxy's TLS certificate as KMS's XksProxyCertificateDaysToExpire sees it: days until the leaf expires,
 * named by its subject CN (the metric's CertificateName dimension). Read from a handshake of its own each round,
 * so a certificate renewed on the proxy shows at the next round, not when a pooled connection happens to close.
 */
import { isIP } from "node:net";
import { connect, type SecureContext } from "node:tls";
import { certificateName, daysToExpire } from "../../src/pki/certificate-expiry.js";
import { parseEndpoint } from "../common/endpoint.js";
import { describeError, errorWords } from "../../src/error-words.js";

export type CertificateReading =
  | { ok: true; name: string; daysToExpire: number; validTo: string; trusted: boolean; trustError?: string | undefined }
  | { ok: false; reason: string };

/**
 * One handshake with the proxy's endpoint, offering what KMS offers (TLS 1.2+, the spec's suites, the client
 * certificate for mTLS: `secureContext`, from xksClientTlsContext, built once per run), bounded by `timeoutMs`. Verification does not end the handshake here: an expired or
 * untrusted certificate is exactly what this metric must still report; whether it verified is returned beside
 * it. No request is ever sent on this connection: the calls go through the client's verifying pool.
 */
export function readCertificate(endpoint: string, o: { secureContext: SecureContext; timeoutMs: number; now?: () => number }): Promise<CertificateReading> {
  const ep = parseEndpoint(endpoint);
  if (!ep) return Promise.resolve({ ok: false, reason: `${endpoint} is not an https:// URL` });
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: CertificateReading) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const socket = connect({
      host: ep.host,
      port: ep.port,
      ...(isIP(ep.host) ? {} : { servername: ep.host }),
      secureContext: o.secureContext,
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => done({ ok: false, reason: `no TLS handshake within ${o.timeoutMs} ms` }), o.timeoutMs);
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      if (!cert?.valid_to) return done({ ok: false, reason: "the proxy presented no certificate" });
      // authorizationError holds the verify code only: put in words, with the code kept for a search.
      const code = String(socket.authorizationError ?? "");
      const words = errorWords({ code }, { host: ep.host, port: ep.port, certificate: { validTo: cert.valid_to, validFrom: cert.valid_from } });
      const trustError = socket.authorized ? undefined : words ? `${words.cause} (${code}). Fix: ${words.fix}` : code || "not verified";
      done({ ok: true, name: certificateName(cert), daysToExpire: daysToExpire(cert.valid_to, (o.now ?? Date.now)()), validTo: cert.valid_to, trusted: socket.authorized, trustError });
    });
    socket.once("error", (err) => done({ ok: false, reason: `TLS handshake failed: ${describeError(err, { host: ep.host, port: ep.port, service: "the proxy" })}` }));
    socket.once("close", () => done({ ok: false, reason: "the proxy closed the connection during the handshake" }));
  });
}
