/**
 * @module pki
 * Dev PKI for the mock XKS proxy: a CA, a server cert and an mTLS client cert,
 * generated in memory (no openssl) and optionally persisted to `certs/`.
 * Explicit exports keep the public surface deliberate; the CLI is not exported.
 */
export {
  generateDevPki,
  generateLeaf,
  generateSelfSigned,
  DEFAULT_SERVER_NAMES,
  DEFAULT_CLIENT_SUBJECT,
  DEFAULT_CA_NAME,
  DEFAULT_LEAF_DAYS,
  DEFAULT_CA_DAYS,
  type Pem,
  type DevPki,
  type DevPkiOptions,
  type LeafOptions,
  type SelfSignedOptions,
  type ValidityOptions,
} from "./dev-pki.js";
export {
  DEV_PKI_FILES,
  defaultCertsDir,
  devPkiPaths,
  ensureDevPki,
  type DevPkiFile,
  type DevPkiPaths,
  type EnsureDevPkiResult,
} from "./dev-pki-files.js";
