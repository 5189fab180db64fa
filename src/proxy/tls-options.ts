/**
 * @module proxy/tls-options
 * The proxy's TLS: 1.2 or later and only the spec's four suites (spec "HTTP and TLS"); with mTLS, a client
 * certificate chained to the configured CA whose subject CN is allowed, else the connection ends.
 */
import type { TLSSocket } from "node:tls";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ServerOptions } from "node:https";
import { XKS_TLS_CIPHERS, XKS_TLS_MIN_VERSION } from "../xks/index.js";
import type { ProxyConfig } from "./config-schema.js";
import { ConfigError } from "./load-config.js";

interface TlsMaterial {
  cert: string;
  key: string;
  clientCa?: string | undefined;
}

/**
 * A server certificate that has expired would start a mock every client refuses: a start (or reload) failure
 * naming the file instead. The dev PKI's own leaves never get here expired (ensureDevPki renews them).
 */
function refuseExpired(file: string, pem: string, now: Date): void {
  let validTo: string;
  try {
    validTo = new X509Certificate(pem).validTo;
  } catch {
    return; // not a certificate Node can parse: the TLS layer says so with its own error
  }
  if (Date.parse(validTo) <= now.getTime()) {
    const when = new Date(validTo).toISOString();
    throw new ConfigError(
      `the server certificate ${file} expired on ${when}. ` +
        "Fix: renew it, or leave tls.certFile/tls.keyFile unset to use the dev PKI",
    );
  }
}

export function readTlsMaterial(
  tls: ProxyConfig["tls"],
  fallback: { certFile: string; keyFile: string; caFile: string },
  now = new Date(),
): TlsMaterial {
  const certFile = tls.certFile ?? fallback.certFile;
  const cert = readFileSync(certFile, "utf8");
  refuseExpired(certFile, cert, now);
  return {
    cert,
    key: readFileSync(tls.keyFile ?? fallback.keyFile, "utf8"),
    clientCa: tls.mtls ? readFileSync(tls.clientCaFile ?? fallback.caFile, "utf8") : undefined,
  };
}

export function httpsServerOptions(material: TlsMaterial, mtls: boolean): ServerOptions {
  return {
    cert: material.cert,
    key: material.key,
    minVersion: XKS_TLS_MIN_VERSION,
    ciphers: XKS_TLS_CIPHERS.join(":"),
    honorCipherOrder: true,
    ...(mtls ? { requestCert: true, rejectUnauthorized: true, ca: material.clientCa } : {}),
  };
}

function subjectCommonNames(socket: TLSSocket): string[] {
  const cn = socket.getPeerCertificate()?.subject?.CN as string | string[] | undefined;
  return cn === undefined ? [] : Array.isArray(cn) ? cn : [cn];
}

/**
 * Node checks only the chain; the spec also demands the subject (KMS presents CN cks.kms.<region>.amazonaws.com).
 * Returns why the socket was refused, or undefined when it may proceed.
 */
export function refuseClientCertificate(socket: TLSSocket, allowedSubjects: readonly string[]): string | undefined {
  if (!socket.authorized) return `client certificate not trusted: ${String(socket.authorizationError ?? "none presented")}`;
  const names = subjectCommonNames(socket);
  if (!names.some((n) => allowedSubjects.includes(n))) return "client certificate subject CN is not allowed";
  return undefined;
}
