/**
 * @module bin/kms-client-cert
 * The client certificate the local KMS presents to proxies (KMS presents one whose subject CN is
 * cks.kms.<region>.amazonaws.com): `--kms-client-cert/--kms-client-key`, checked before anything listens; else, for
 * `--mtls` with the dev CA verifying clients, the dev PKI's client.pem, so `xks-mock --mtls` comes up pre-wired.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readCertificatePair, type ClientCertificatePem } from "../pki/client-certificate.js";
import { DEV_PKI_FILES } from "../pki/dev-pki-files.js";
import type { ProxyConfig } from "../proxy/config-schema.js";

/** A usage error of the two flags: the message names the flag and the fix. */
export class KmsClientCertError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KmsClientCertError";
  }
}

const FLAGS = { cert: "--kms-client-cert", key: "--kms-client-key" } as const;

/** The pair given by the flags, checked (both or neither; a PEM certificate and its key); undefined when neither. */
export function readKmsClientCert(certFile: string | undefined, keyFile: string | undefined): ClientCertificatePem | undefined {
  return readCertificatePair(certFile, keyFile, FLAGS, (message) => new KmsClientCertError(message));
}

/**
 * The dev PKI's client certificate, when the proxy verifies clients with the dev CA (mTLS without a clientCaFile of
 * its own) and the certs directory holds it; else undefined (a server-only set has no client certificate).
 */
export function devKmsClientCert(config: ProxyConfig, certsDir: string): { pem: ClientCertificatePem; file: string } | undefined {
  if (config.http || !config.tls.mtls || config.tls.clientCaFile) return undefined;
  const file = join(certsDir, DEV_PKI_FILES.clientCert);
  const keyFile = join(certsDir, DEV_PKI_FILES.clientKey);
  if (!existsSync(file) || !existsSync(keyFile)) return undefined;
  return { pem: { cert: readFileSync(file, "utf8"), key: readFileSync(keyFile, "utf8") }, file };
}
