/**
 * @module harness/check/tls-certificate
 * What is wrong with the certificate chain a proxy presented, read from the certificates themselves (dates, names,
 * who issued whom, which roots are trusted), not from the TLS library's verify-error codes, whose names are an
 * OpenSSL detail. The library's verdict is kept for --verbose only.
 */
import { X509Certificate } from "node:crypto";
import { checkServerIdentity, type DetailedPeerCertificate } from "node:tls";
import { errorWords, libraryText } from "../../src/error-words.js";
import { daysToExpire } from "../../src/pki/certificate-expiry.js";
import type { CheckContext } from "./context.js";
import { kmsTrustedCas, normalizeFingerprint, type TrustedCa } from "./trusted-cas.js";

/** Warn when the certificate expires sooner than this. */
const EXPIRY_WARNING_DAYS = 30;

const KMS_CA_LIST = "a CA on KMS's trusted list (the spec's TrustedCertificateAuthorities)";

/** One thing found, with the change that would clear it. */
export interface Finding {
  text: string;
  fix: string;
}

export interface CertificateFindings {
  problems: Finding[];
  warnings: Finding[];
  /** The chain's root when KMS trusts it. */
  trusted: TrustedCa | undefined;
}

/**
 * A certificate that names itself as issuer and is signed with its own key. (Not X509Certificate.checkIssued: that
 * also wants keyCertSign, which a self-signed server certificate usually lacks.)
 */
function selfIssued(cert: DetailedPeerCertificate): boolean {
  try {
    const x = new X509Certificate(cert.raw);
    return x.subject === x.issuer && x.verify(x.publicKey);
  } catch {
    return false;
  }
}

/** The names a certificate covers: its SAN's DNS names and addresses, else its CN. */
function namesOf(cert: DetailedPeerCertificate): string {
  const san = cert.subjectaltname?.split(/,\s*/).map((n) => n.replace(/^(DNS|IP Address):/, "")).filter(Boolean) ?? [];
  return san.length ? san.join(", ") : cert.subject?.CN ? `CN=${String(cert.subject.CN)}` : "no host name";
}

let trustCache: { trust: readonly string[]; fingerprints: Set<string> } | undefined;
/** SHA-256 fingerprints of the roots this machine trusts for the run (Node's bundle plus --ca). */
function trustedHere(trust: readonly string[]): Set<string> {
  if (trustCache?.trust !== trust) {
    const fingerprints = new Set<string>();
    for (const pem of trust) {
      try {
        fingerprints.add(normalizeFingerprint(new X509Certificate(pem).fingerprint256));
      } catch {
        // A --ca file that is not one certificate was reported by the input check; it anchors nothing here.
      }
    }
    trustCache = { trust, fingerprints };
  }
  return trustCache.fingerprints;
}

/**
 * Judges the chain Node built (leaf first; the root comes from the trust store when the server omits it).
 * `authorized` is whether the library verified the chain against ctx.trust; its reason goes to ctx.verbose.
 */
export function certificateFindings(ctx: CheckContext, chain: DetailedPeerCertificate[], authorized: boolean, libraryReason: string | undefined): CertificateFindings {
  const problems: Finding[] = [];
  const warnings: Finding[] = [];
  const leaf = chain[0];
  const { host } = ctx.endpoint;
  if (!leaf) return { problems: [{ text: "the server sent no certificate", fix: "configure the proxy's listener with its certificate and key" }], warnings, trusted: undefined };
  if (libraryReason) ctx.verbose.push(`tls: certificate verification by the TLS library: ${libraryReason}`);

  // The name is judged apart from the chain: a good chain for another host is a name mismatch, nothing more.
  const identity = checkServerIdentity(host, leaf);
  if (identity) {
    ctx.verbose.push(`tls: host name check by the TLS library: ${libraryText(identity)}`);
    const chainState = authorized ? "the chain verifies to a CA trusted here, but " : "";
    problems.push({
      text: `certificate does not match ${host}: ${chainState}the certificate names ${namesOf(leaf)}, not the endpoint host ${host}`,
      fix: `use a certificate whose SAN includes ${host}`,
    });
  }
  const now = Date.now();
  const notAfter = new Date(leaf.valid_to).getTime();
  const notBefore = new Date(leaf.valid_from).getTime();
  const outOfDate = notAfter < now || notBefore > now;
  if (notBefore > now) problems.push({ text: `certificate is not valid before ${leaf.valid_from}`, fix: "check the clock of the machine that issued the certificate, or wait until it is valid" });
  const daysLeft = daysToExpire(leaf.valid_to, now);
  if (notAfter < now) problems.push({ text: `certificate expired on ${leaf.valid_to}`, fix: "renew the proxy's certificate" });
  // Whole days: fewer than 30 whole days left is less than 30 days left.
  else if (daysLeft < EXPIRY_WARNING_DAYS) warnings.push({ text: `certificate expires in ${daysLeft} days (${leaf.valid_to})`, fix: "renew the proxy's certificate before it expires" });

  const root = chain.at(-1)!;
  const rootFp = root.fingerprint256 ? normalizeFingerprint(root.fingerprint256) : undefined;
  const trusted = rootFp ? kmsTrustedCas().get(rootFp) : undefined;
  if (!authorized) {
    const rootName = `"${root.subject?.CN ?? root.subject?.O ?? "unknown"}"`;
    if (chain.length === 1 && selfIssued(leaf)) {
      problems.push({
        text: "the certificate is self-signed (it is its own issuer), so nothing vouches for it",
        fix: `KMS needs a certificate that chains to ${KMS_CA_LIST}; for local use pass this certificate with --ca`,
      });
    } else if (!selfIssued(root)) {
      problems.push({
        text: `the chain stops at ${rootName}, issued by "${root.issuer?.CN ?? root.issuer?.O ?? "unknown"}", which the server did not send and this machine does not know`,
        fix: `serve the full chain (leaf + intermediates) up to ${KMS_CA_LIST}`,
      });
    } else if (!rootFp || !trustedHere(ctx.trust).has(rootFp)) {
      problems.push({ text: `the chain's root ${rootName} is not trusted here`, fix: `use a certificate that chains to ${KMS_CA_LIST}; for local use pass that root with --ca` });
    } else if (!outOfDate) {
      // Read from the verify code, the one thing the library says here that does not change between versions.
      const words = libraryReason ? errorWords({ code: libraryReason.split(":")[0] }, { host }) : undefined;
      problems.push({
        text: `the chain to ${rootName} does not verify${words ? `: ${words.cause}` : ""} (--verbose shows the TLS library's reason)`,
        fix: `reissue the certificate from ${KMS_CA_LIST}`,
      });
    }
  } else if (!trusted) {
    const text = `root CA ${`"${root.subject?.CN ?? "unknown"}"`} is not in KMS's trusted CA list`;
    if (ctx.options.dev) warnings.push({ text: `${text} (allowed with --dev)`, fix: `fine for local use; real KMS needs a certificate that chains to ${KMS_CA_LIST}` });
    // A private CA given with --ca is how people test locally: say which flag makes that a warning.
    else problems.push({ text, fix: `use a certificate that chains to ${KMS_CA_LIST}; to test locally with a private CA (given with --ca), add --dev` });
  }
  return { problems, warnings, trusted };
}
