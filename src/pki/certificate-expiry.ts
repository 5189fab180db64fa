/**
 * @module pki/certificate-expiry
 * What KMS's XksProxyCertificateDaysToExpire metric says of a proxy's TLS leaf: its CertificateName dimension and
 * the whole days left. One definition for the local KMS (its own connections' peers) and `xks-harness watch`
 * (a handshake of its own each round).
 */
import type { PeerCertificate } from "node:tls";

/** A day in milliseconds: the unit of the metrics' day counts. */
export const DAY_MS = 86_400_000;

/** The leaf's subject CN, else its first DNS name (a certificate may carry its names in the SAN only). */
export function certificateName(cert: PeerCertificate): string {
  const cn = cert.subject?.CN;
  if (cn) return Array.isArray(cn) ? cn[0]! : cn;
  const dns = /DNS:([^,\s]+)/.exec(cert.subjectaltname ?? "");
  return dns?.[1] ?? "unnamed";
}

/** Whole days from `now` to notAfter (as the TLS layer prints it); negative once expired, as the CloudWatch metric goes below zero. */
export function daysToExpire(validTo: string, now: number): number {
  return Math.floor((Date.parse(validTo) - now) / DAY_MS);
}
