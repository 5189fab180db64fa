/**
 * In-memory generation of the development PKI used by the mock XKS proxy:
 * a CA, a server leaf and a client (mTLS) leaf.
 *
 * Generated with `@peculiar/x509` on Node's WebCrypto rather than by shelling
 * out to `openssl`, so it works on any machine with Node alone (no openssl
 * binary, no version-specific CLI flags) and can be called from tests.
 *
 * @module
 */
import { isIP } from "node:net";
import { webcrypto as crypto } from "node:crypto";
import { x509 } from "./x509.js";
import { kmsClientSubject } from "../xks/index.js";

// No DOM lib in this project, so name Node's WebCrypto types explicitly.
type CryptoKey = crypto.CryptoKey;
type CryptoKeyPair = crypto.CryptoKeyPair;

/** A certificate and its private key, both PEM (key is PKCS#8). */
export interface Pem {
  cert: string;
  key: string;
}

/** The three credentials the mock proxy and its clients need. */
export interface DevPki {
  ca: Pem;
  server: Pem;
  client: Pem;
}

/** Options for {@link generateDevPki}. */
interface DevPkiOptions {
  /** Names the server cert is valid for; IP literals become IP SANs. */
  serverNames?: string[];
  /** CN and DNS SAN of the client cert (AWS KMS presents this name). */
  clientSubject?: string;
  /** Leaf validity in days (default 825). The CA always gets 3650. */
  validDays?: number;
  /** Leaf notBefore override (tests use it to make not-yet-valid certs). */
  notBefore?: Date;
  /** Leaf notAfter override (tests use it to make expired certs). */
  notAfter?: Date;
  /** CN of the CA. */
  caName?: string;
}

/** Validity options shared by every leaf generator. */
interface ValidityOptions {
  validDays?: number;
  notBefore?: Date;
  notAfter?: Date;
}

/** Options for {@link generateLeaf}. */
interface LeafOptions extends ValidityOptions {
  /** CN of the leaf. */
  subject: string;
  /** SANs; defaults to `[subject]`. IP literals become IP SANs. */
  serverNames?: string[];
  /** Issue a client (mTLS) cert instead of a server cert. */
  clientAuth?: boolean;
}

/** Options for {@link generateSelfSigned}. */
interface SelfSignedOptions extends ValidityOptions {
  /** CN; defaults to the first name. */
  subject?: string;
}

export const DEFAULT_SERVER_NAMES: readonly string[] = ["localhost", "127.0.0.1", "::1"];
export const DEFAULT_CLIENT_SUBJECT = kmsClientSubject("us-east-1");
const DEFAULT_CA_NAME = "xks-harness dev CA";
/** 825 days: the longest TLS server lifetime Apple platforms accept. */
const DEFAULT_LEAF_DAYS = 825;
const DEFAULT_CA_DAYS = 3650;

const DAY_MS = 86_400_000;
/** Backdating tolerates small clock skew between the generating host and peers. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * RSA-2048 with PKCS#1 v1.5 / SHA-256: RSA (not ECDSA) keys are needed for the
 * TLS 1.2 suite ECDHE-RSA-AES256-GCM-SHA384 that AWS KMS negotiates with XKS
 * proxies, and PKCS#1 v1.5 signatures are what every TLS stack accepts.
 */
const RSA_ALG: crypto.RsaHashedKeyGenParams = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

/** Whatever signs a leaf: a CA, or the leaf itself when self-signed. */
interface Issuer {
  name: x509.Name | x509.JsonName;
  publicKey: x509.PublicKey | CryptoKey;
  key: CryptoKey;
}

/** Extractable so the private key can be exported as PKCS#8 PEM. */
async function newKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(RSA_ALG, true, ["sign", "verify"]);
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

/** Re-creates an {@link Issuer} from PEM so callers can hold a CA as plain strings. */
async function importIssuer(ca: Pem): Promise<Issuer> {
  const der = x509.PemConverter.decodeFirst(ca.key);
  const key = await crypto.subtle.importKey("pkcs8", der, RSA_ALG, false, ["sign"]);
  const cert = new x509.X509Certificate(ca.cert);
  return { name: cert.subjectName, publicKey: cert.publicKey, key };
}

/**
 * 128-bit random positive serial. RFC 5280 wants serials unique per issuer,
 * and Firefox rejects a reused issuer+serial pair, which fixed serials would
 * hit as soon as the dev CA (same name) is regenerated.
 */
function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01; // positive, and no leading zero to strip
  return Buffer.from(bytes).toString("hex");
}

/** A JSON name keeps CNs with commas or `=` from being misparsed as RFC 4514. */
function cnName(cn: string): x509.JsonName {
  return [{ CN: [cn] }];
}

/** Maps names to SAN entries: IP literals to iPAddress, the rest to dNSName. */
function sanEntries(names: readonly string[]): x509.JsonGeneralNames {
  return names.map((raw) => {
    const name = raw.startsWith("[") && raw.endsWith("]") ? raw.slice(1, -1) : raw;
    return isIP(name) ? { type: "ip", value: name } : { type: "dns", value: name };
  });
}

/**
 * Resolves a validity window. When only `notAfter` is given the window ends
 * there (so a past `notAfter` yields a consistently expired cert rather than
 * notBefore > notAfter).
 */
function validity(opts: ValidityOptions, defaultDays: number): { notBefore: Date; notAfter: Date } {
  const span = (opts.validDays ?? defaultDays) * DAY_MS;
  if (!(span > 0)) throw new RangeError(`validDays must be positive, got ${opts.validDays}`);
  const notBefore =
    opts.notBefore ??
    (opts.notAfter ? new Date(opts.notAfter.getTime() - span) : new Date(Date.now() - CLOCK_SKEW_MS));
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + span);
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new RangeError(`notAfter (${notAfter.toISOString()}) must be after notBefore (${notBefore.toISOString()})`);
  }
  return { notBefore, notAfter };
}

/** Extensions of an end-entity cert: never a CA, usable for one TLS role. */
function leafExtensions(names: readonly string[], clientAuth: boolean): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension([
      clientAuth ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth,
    ]),
    new x509.SubjectAlternativeNameExtension(sanEntries(names)),
  ];
}

async function toPem(cert: x509.X509Certificate, key: CryptoKey): Promise<Pem> {
  return { cert: cert.toString("pem"), key: await exportKeyPem(key) };
}

/** Creates a self-signed CA (basicConstraints CA:true critical, keyCertSign|cRLSign). */
async function createCa(name: string, keys: CryptoKeyPair): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: cnName(name),
    keys,
    signingAlgorithm: RSA_ALG,
    ...validity({}, DEFAULT_CA_DAYS),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
}

/** The single place a leaf is signed; every public generator goes through it. */
async function issueLeaf(issuer: Issuer, keys: CryptoKeyPair, opts: LeafOptions): Promise<Pem> {
  const names = opts.serverNames ?? [opts.subject];
  if (names.length === 0) throw new RangeError("a leaf needs at least one SAN name");
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: cnName(opts.subject),
    issuer: issuer.name,
    publicKey: keys.publicKey,
    signingKey: issuer.key,
    signingAlgorithm: RSA_ALG,
    ...validity(opts, DEFAULT_LEAF_DAYS),
    extensions: [
      ...leafExtensions(names, opts.clientAuth ?? false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.publicKey),
    ],
  });
  return toPem(cert, keys.privateKey);
}

/**
 * Generates a fresh CA plus server and client leaves signed by it.
 * The three RSA keys are generated concurrently (WebCrypto runs key
 * generation off the main thread), which is most of the cost.
 */
export async function generateDevPki(options: DevPkiOptions = {}): Promise<DevPki> {
  const [caKeys, serverKeys, clientKeys] = await Promise.all([newKeyPair(), newKeyPair(), newKeyPair()]);
  const caCert = await createCa(options.caName ?? DEFAULT_CA_NAME, caKeys);
  const ca: Issuer = { name: caCert.subjectName, publicKey: caKeys.publicKey, key: caKeys.privateKey };
  const serverNames = options.serverNames ?? [...DEFAULT_SERVER_NAMES];
  const clientSubject = options.clientSubject ?? DEFAULT_CLIENT_SUBJECT;
  const validityOpts: ValidityOptions = {
    validDays: options.validDays,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
  };
  const [server, client] = await Promise.all([
    issueLeaf(ca, serverKeys, { ...validityOpts, subject: "localhost", serverNames }),
    issueLeaf(ca, clientKeys, { ...validityOpts, subject: clientSubject, clientAuth: true }),
  ]);
  return { ca: await toPem(caCert, caKeys.privateKey), server, client };
}

/**
 * Issues one leaf signed by an existing CA, e.g. a wrong-hostname or expired
 * server cert for negative TLS tests.
 */
export async function generateLeaf(ca: Pem, options: LeafOptions): Promise<Pem> {
  const [issuer, keys] = await Promise.all([importIssuer(ca), newKeyPair()]);
  return issueLeaf(issuer, keys, options);
}

/**
 * A self-signed server cert (its own issuer, CA:false) for testing that
 * clients refuse a server whose cert is not anchored in a trusted CA.
 */
export async function generateSelfSigned(names: string[], opts: SelfSignedOptions = {}): Promise<Pem> {
  const keys = await newKeyPair();
  const subject = opts.subject ?? names[0] ?? "localhost";
  // Self-signed: the leaf is its own issuer and signs with its own key.
  const self: Issuer = { name: cnName(subject), publicKey: keys.publicKey, key: keys.privateKey };
  return issueLeaf(self, keys, { ...opts, subject, serverNames: names });
}
