/**
 * @module harness/check/tls-diagnose
 * Why a KMS-like TLS handshake failed, from what the server does: what its port answers at all, and which TLS
 * versions and suites it accepts when offered them one at a time (spec "HTTP and TLS": TLS 1.2 or later with one
 * of four suites). Nothing here reads the TLS library's error strings; those go to --verbose.
 */
import type { ConnectionOptions } from "node:tls";
import { XKS_TLS_CIPHERS } from "../../src/xks/constants.js";
import { observeHandshake, type TlsObservation, type TlsTarget } from "./tls-observe.js";

export interface HandshakeDiagnosis {
  /** What the server did, in one sentence. */
  detail: string;
  fix: string;
}

/** The spec's suites in TLS 1.3 naming (TLS_*) and in OpenSSL's TLS 1.2 naming. */
const SPEC_TLS13 = XKS_TLS_CIPHERS.filter((c) => c.startsWith("TLS_"));
const SPEC_TLS12 = XKS_TLS_CIPHERS.filter((c) => !c.startsWith("TLS_"));

const OFFER_A_SPEC_SUITE = `offer one of the spec's suites: ${XKS_TLS_CIPHERS.join(", ")}`;
const ENABLE_TLS12 = "enable TLS 1.2 or 1.3 on the proxy";

/** One offer per question; SECLEVEL=0 so that even a weak server answers with what it would pick. */
const PROBES = {
  tls12Spec: { minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ciphers: SPEC_TLS12.join(":") },
  tls13Spec: { minVersion: "TLSv1.3", maxVersion: "TLSv1.3", ciphers: SPEC_TLS13.join(":") },
  tls12Any: { minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ciphers: "ALL:@SECLEVEL=0" },
  tls13Any: { minVersion: "TLSv1.3", maxVersion: "TLSv1.3" },
  legacy: { minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "ALL:@SECLEVEL=0" },
} satisfies Record<string, ConnectionOptions>;
type ProbeName = keyof typeof PROBES;

/** What a port that does not answer TLS said, and what to change. */
function notTls(o: TlsObservation, port: number): HandshakeDiagnosis {
  if (o.answer === "http") {
    return {
      detail: `port ${port} answers plain HTTP ("${o.firstText.slice(0, 32)}"), not TLS`,
      fix: `KMS connects with HTTPS only: serve TLS on port ${port} (or point the endpoint at the proxy's TLS port)`,
    };
  }
  if (o.answer === "other") {
    return { detail: `port ${port} answers something that is not TLS ("${o.firstText.slice(0, 32)}")`, fix: `point the endpoint at the proxy's TLS port; port ${port} serves another protocol` };
  }
  return { detail: `port ${port} accepted TCP and then closed the connection without a TLS answer`, fix: "check that the proxy's listener on this port is TLS and that it has its certificate and key loaded" };
}

const alertText = (o: TlsObservation) => (o.alert ? ` with a ${o.alert} alert` : "");

/**
 * Diagnoses a failed handshake. `first` is the failed KMS-like handshake observed again; the probes run only when
 * the server does answer TLS. `raw` collects the library's messages for --verbose.
 */
export async function diagnoseHandshake(target: TlsTarget, first: TlsObservation, timeoutMs: number, raw: string[]): Promise<HandshakeDiagnosis> {
  if (first.answer !== "tls") return notTls(first, target.port);
  const names = Object.keys(PROBES) as ProbeName[];
  const seen = await Promise.all(names.map((n) => observeHandshake(target, PROBES[n], timeoutMs)));
  const p = Object.fromEntries(names.map((n, i) => [n, seen[i]!])) as Record<ProbeName, TlsObservation>;
  for (const n of names) raw.push(`tls probe ${n}: ${p[n].ok ? `${p[n].protocol} ${p[n].cipher}` : (p[n].alert ? `alert ${p[n].alert}; ` : "") + (p[n].raw ?? "")}`);

  const refused = `the proxy refused the spec's TLS offer${alertText(first)}`;
  if (p.tls12Spec.ok || p.tls13Spec.ok) {
    const accepted = p.tls13Spec.ok ? p.tls13Spec : p.tls12Spec;
    return {
      detail: `${refused}, although it accepts ${accepted.protocol} with ${accepted.cipher} when offered alone`,
      fix: "the proxy accepts the spec's TLS but not this handshake: check its SNI and client-certificate settings for the endpoint's host name",
    };
  }
  const modern = [p.tls13Any, p.tls12Any].filter((o) => o.ok);
  if (modern.length > 0) {
    const picks = modern.map((o) => `${o.protocol} with ${o.cipher}`).join(" and ");
    return { detail: `${refused}: it accepts ${picks}, but none of the spec's four suites`, fix: OFFER_A_SPEC_SUITE };
  }
  if (p.legacy.ok) {
    return { detail: `${refused}: it accepts only ${p.legacy.protocol}, which KMS does not speak (TLS 1.2 or later)`, fix: ENABLE_TLS12 };
  }
  return {
    detail: `${refused}, and every TLS version from 1.0 to 1.3 with any suite${alertText(p.tls12Any)}`,
    fix: "check the proxy's TLS listener: it answers TLS but completes no handshake (certificate and key loaded? TLS 1.2+ with one of the spec's suites?)",
  };
}
