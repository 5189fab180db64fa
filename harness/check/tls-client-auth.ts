/**
 * @module harness/check/tls-client-auth
 * mTLS, as the tls check sees it (spec "mTLS": KMS presents a certificate whose subject CN is
 * cks.kms.<region>.amazonaws.com). Node tells a TLS client nothing about a CertificateRequest, so:
 * - a probe limited to TLS 1.2, without a certificate, reads the server's first flight in clear: whether it asks
 *   for a certificate, which CA names it sends, and whether it goes on without one;
 * - a TLS 1.3 handshake ends, for the client, before the server has judged the client's certificate: a server
 *   that refuses it ends the connection right after (a certificate_required or bad_certificate alert, or a
 *   reset), which `refusedAfterHandshake` watches for.
 */
import type { TLSSocket } from "node:tls";
import { XKS_TLS_CIPHERS, kmsClientSubject } from "../../src/xks/constants.js";
import { observeHandshake, type TlsObservation, type TlsTarget } from "./tls-observe.js";

/** The one fix and truth when a proxy wants a certificate that was not given (issue wording is an interface). */
export const MTLS_REQUIRED = "the proxy requires mTLS; pass the certificate KMS will present, or one of the same subject and CA";

/** The spec's TLS 1.2 suites, no certificate: a first flight that is readable. */
const TLS12_PROBE = { minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ciphers: XKS_TLS_CIPHERS.filter((c) => !c.startsWith("TLS_")).join(":"), ALPNProtocols: ["http/1.1"] } as const;

/** How long after a TLS 1.3 handshake a refusal is waited for, at least; longer for a slow link (3 handshake times). */
const REFUSAL_WINDOW_MIN_MS = 250;
/** After the server's session ticket (sent once it accepted the handshake), how long a late refusal is still waited for. */
const AFTER_TICKET_MS = 50;

/** What the server does about client certificates, without one: from a TLS 1.2 probe. */
export function probeCertificateRequest(target: TlsTarget, timeoutMs: number): Promise<TlsObservation> {
  return observeHandshake(target, TLS12_PROBE, timeoutMs);
}

/**
 * After a TLS 1.3 handshake, whether the server ends the connection before a request (it refused the client's
 * certificate, or the lack of one). Bounded by a window of its own; the library's reason goes to `raw`.
 */
export function refusedAfterHandshake(socket: TLSSocket, handshakeMs: number, timeoutMs: number, raw: string[]): Promise<boolean> {
  if (socket.getProtocol() !== "TLSv1.3") return Promise.resolve(false);
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout;
    const done = (refused: boolean) => {
      clearTimeout(timer);
      socket.off("error", onError);
      socket.off("close", onClose);
      socket.off("session", onSession);
      resolve(refused);
    };
    const onError = (err: NodeJS.ErrnoException) => {
      raw.push(`tls: the connection ended after the TLS 1.3 handshake: ${err.code ?? "ERROR"}: ${err.message.trim()}`);
      done(true);
    };
    const onClose = () => done(true);
    const onSession = () => {
      clearTimeout(timer);
      timer = setTimeout(() => done(false), Math.max(AFTER_TICKET_MS, handshakeMs));
    };
    timer = setTimeout(() => done(false), Math.min(timeoutMs, Math.max(REFUSAL_WINDOW_MIN_MS, 3 * handshakeMs)));
    socket.on("error", onError);
    socket.once("close", onClose);
    socket.once("session", onSession);
    // Reading is what makes the client see the server's alert or close.
    socket.resume();
  });
}

const quote = (names: string[]) => names.map((n) => `"${n}"`).join(", ");

/** The CA names part of a sentence: what the probe read, or why it could not. */
export function caNamesText(probe: TlsObservation): string {
  const cr = probe.certificateRequest;
  if (cr.requested && cr.caNames.length) return `it names the CA(s) ${quote(cr.caNames)}`;
  if (cr.requested) return "it names no CA";
  return "its CA names could not be read (it does not speak TLS 1.2, and in TLS 1.3 the certificate request is encrypted)";
}

/** What to pass, for this region. */
export function mtlsFix(region: string): string {
  return `pass --client-cert and --client-key: the certificate KMS will present (CN ${kmsClientSubject(region)}) or one of the same subject and CA`;
}

/** A warning when the presented certificate is not the one KMS presents; undefined when it is. */
export function subjectWarning(subject: string | null, region: string): { text: string; fix: string } | undefined {
  const kms = kmsClientSubject(region);
  if (subject === kms) return undefined;
  return {
    text: `the client certificate's subject is ${subject === null ? "without a CN" : `CN=${subject}`}, not CN=${kms}, the one KMS presents: the proxy may treat KMS differently`,
    fix: `check with a certificate whose CN is ${kms}, from the CA the proxy trusts for KMS`,
  };
}
