/**
 * @module kms/peer-certificate
 * The proxy's TLS certificate as the local KMS's own connections see it, for XksProxyCertificateDaysToExpire: each
 * new connection of the gateway's pools reports its peer's leaf (name and notAfter). No extra handshake is made; a
 * certificate renewed on the proxy shows once a new connection opens (pooled ones close after their keep-alive).
 */
import type { TLSSocket } from "node:tls";
import type { buildConnector } from "undici";
import { certificateName } from "../pki/certificate-expiry.js";

/** What the metric needs of a leaf certificate. */
export interface SeenCertificate {
  /** The CertificateName dimension: the subject CN, else the first DNS name. */
  name: string;
  /** notAfter as the TLS layer prints it (e.g. "Jan  1 00:00:00 2030 GMT"). */
  validTo: string;
}

/**
 * A connector that reports each new TLS connection's peer certificate with the origin host it was opened for
 * (undici's `host`: hostname[:port]). Runs after the handshake, as undici calls back on secureConnect.
 */
export function reportPeerCertificates(connect: buildConnector.connector, seen: (originHost: string, cert: SeenCertificate) => void): buildConnector.connector {
  return (options, callback) =>
    connect(options, (err, socket) => {
      const tls = socket as TLSSocket | null;
      if (!err && typeof tls?.getPeerCertificate === "function") {
        const cert = tls.getPeerCertificate();
        // A resumed session may not carry the certificate: keep what an earlier connection reported.
        if (cert?.valid_to) seen(String(options.host ?? options.hostname), { name: certificateName(cert), validTo: cert.valid_to });
      }
      (callback as (err: Error | null, socket: unknown) => void)(err, socket);
    });
}
