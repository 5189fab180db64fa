/**
 * @module pki/client-certificate
 * A client certificate for mTLS given as two files (certificate, key): checked where it is named, so a wrong file
 * is a usage error that names the flag, not a TLS failure the proxy seems to cause. Used by `xks-harness` and
 * `xks-mock` alike.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { describeError } from "../error-words.js";

export interface ClientCertificatePem {
  cert: string;
  key: string;
}

/** What is wrong with a certificate/key pair, naming the flags; undefined when they are a PEM certificate and its key. */
export function clientCertificateProblem(pem: ClientCertificatePem, flags: { cert: string; key: string }): string | undefined {
  if (!/-----BEGIN CERTIFICATE-----/.test(pem.cert)) return `${flags.cert} holds no PEM certificate (-----BEGIN CERTIFICATE-----). Fix: give the client certificate in PEM`;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem.cert);
  } catch {
    return `${flags.cert} holds a PEM block that is not a valid certificate. Fix: give the client certificate in PEM`;
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(pem.key);
  } catch {
    return `${flags.key} holds no usable private key (PEM, unencrypted). Fix: give the key of the client certificate in PEM`;
  }
  if (!cert.checkPrivateKey(key)) return `${flags.key} is not the key of the certificate in ${flags.cert}. Fix: give the key the certificate was issued for`;
  return undefined;
}

/**
 * The pair named by two flags, read and checked: both or neither (undefined), a PEM certificate and the private key it
 * was issued for. Each problem becomes `fail(message)`, so every program raises its own usage error.
 */
export function readCertificatePair(certFile: string | undefined, keyFile: string | undefined, flags: { cert: string; key: string }, fail: (message: string) => Error): ClientCertificatePem | undefined {
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw fail(`${flags.cert} and ${flags.key} go together. Fix: give both, the certificate and its key`);
  const read = (file: string, flag: string) => {
    try {
      return readFileSync(file, "utf8");
    } catch (err) {
      throw fail(`cannot read ${flag} ${file}: ${describeError(err, { file, flag })}`);
    }
  };
  const pem = { cert: read(certFile, flags.cert), key: read(keyFile, flags.key) };
  const problem = clientCertificateProblem(pem, { cert: `${flags.cert} ${certFile}`, key: `${flags.key} ${keyFile}` });
  if (problem) throw fail(problem);
  return pem;
}

/** The subject CN of a PEM certificate (already checked), or null when it has none. */
export function certificateCommonName(certPem: string): string | null {
  const subject = new X509Certificate(certPem).subject;
  return /^CN=(.*)$/m.exec(subject)?.[1] ?? null;
}
