/**
 * @module harness/common/read-files
 * Files named by flags: a file that cannot be read, or holds the wrong thing, is a UsageError naming the flag.
 * Secrets come from files or the environment only, never from argv (which `ps` shows to everyone).
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { describeError } from "../../src/error-words.js";
import { readCertificatePair, type ClientCertificatePem } from "../../src/pki/client-certificate.js";
import { UsageError } from "./usage-error.js";

/** Reads a file named by a flag; a failure is a usage error that names the flag. */
export function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${describeError(err, { file, flag: what })}`);
  }
}

/** A secret file holds the secret alone; a trailing newline (echo, editors) is not part of it. */
export function readSecretFile(file: string, flag: string): string {
  return readText(file, `${flag}`).replace(/\r?\n$/, "");
}

/** Extra trust anchors: each file must hold at least one PEM certificate, and every one must parse. */
export function readCaFiles(files: string[]): string[] {
  return files.map((file) => {
    const text = readText(file, "--ca");
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) throw new UsageError(`--ca ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----). Fix: give the CA certificate in PEM, not a key or DER file`);
    for (const block of blocks) {
      try {
        new X509Certificate(block);
      } catch {
        throw new UsageError(`--ca ${file} holds a PEM block that is not a valid certificate. Fix: give the CA certificate in PEM`);
      }
    }
    return text;
  });
}

/**
 * The mTLS client certificate of --client-cert and --client-key (or another pair of flags): both or neither, a PEM
 * certificate and the private key it was issued for.
 */
export function readClientCertificate(certFile: string | undefined, keyFile: string | undefined, flags = { cert: "--client-cert", key: "--client-key" }): ClientCertificatePem | undefined {
  return readCertificatePair(certFile, keyFile, flags, (message) => new UsageError(message));
}
