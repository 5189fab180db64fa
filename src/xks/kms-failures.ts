/**
 * @module xks/kms-failures
 * What KMS makes of each proxy failure (spec "Error codes → KMS considerations", digest §3.3–§3.4): the
 * exception CreateCustomKeyStore/UpdateCustomKeyStore, CreateKey and the cryptographic operations raise, and
 * the ConnectionErrorCode a ConnectCustomKeyStore ends with. The harness predicts with it; the local KMS obeys it.
 */
import type { XksErrorName } from "./errors.js";

/** Failures that are not an errorName: what KMS sees on the wire. */
export type TransportFailure =
  | "DnsFailure"
  | "TcpFailure"
  | "TlsFailure"
  | "Timeout"
  | "MalformedResponse"
  | "AllKeyManagersUnavailable"
  | "InvalidCiphertextReturned"
  | "NotConnected";

export type ProxyFailure = XksErrorName | TransportFailure;

export type ConnectionErrorCode =
  | "INVALID_CREDENTIALS"
  | "XKS_PROXY_ACCESS_DENIED"
  | "XKS_PROXY_INVALID_CONFIGURATION"
  | "XKS_PROXY_INVALID_RESPONSE"
  | "XKS_PROXY_INVALID_TLS_CONFIGURATION"
  | "XKS_PROXY_NOT_REACHABLE"
  | "XKS_PROXY_TIMED_OUT"
  | "INTERNAL_ERROR"
  | "NETWORK_ERRORS";

export interface KmsOutcome {
  /** CreateCustomKeyStore / UpdateCustomKeyStore; undefined where the spec names none (digest A24). */
  createUpdate?: string;
  /** CreateKey in the store. */
  createKey?: string;
  /** Encrypt, Decrypt, ReEncrypt, GenerateDataKey*. */
  crypto: "KMSInvalidStateException";
  /** ConnectCustomKeyStore's ConnectionErrorCode (KMS API model), where one fits. */
  connectionErrorCode?: ConnectionErrorCode;
}

const CRYPTO = "KMSInvalidStateException" as const;
const CKS_STATE = "CustomKeyStoreInvalidStateException";
const UNREACHABLE = "XksProxyUriUnreachableException";
const INVALID_RESPONSE = "XksProxyInvalidResponseException";

/** Spec table rows 1–18, one entry per failure. */
export const KMS_FAILURE_OUTCOMES: Record<ProxyFailure, KmsOutcome> = {
  ValidationException: { createUpdate: INVALID_RESPONSE, createKey: CKS_STATE, crypto: CRYPTO, connectionErrorCode: "XKS_PROXY_INVALID_RESPONSE" },
  InvalidStateException: { createKey: "XksKeyInvalidConfigurationException", crypto: CRYPTO },
  InvalidCiphertextException: { crypto: CRYPTO },
  InvalidCiphertextReturned: { crypto: CRYPTO },
  InvalidKeyUsageException: { createKey: "XksKeyInvalidConfigurationException", crypto: CRYPTO },
  AuthenticationFailedException: { createUpdate: "XksProxyIncorrectAuthenticationCredentialException", createKey: CKS_STATE, crypto: CRYPTO, connectionErrorCode: "INVALID_CREDENTIALS" },
  AccessDeniedException: { createKey: CRYPTO, crypto: CRYPTO, connectionErrorCode: "XKS_PROXY_ACCESS_DENIED" },
  KeyNotFoundException: { createKey: "XksKeyNotFoundException", crypto: CRYPTO },
  InvalidUriPathException: { createUpdate: "XksProxyInvalidConfigurationException", createKey: CKS_STATE, crypto: CRYPTO, connectionErrorCode: "XKS_PROXY_INVALID_CONFIGURATION" },
  // The spec names "XksKeyInvalidResponseException", which KMS does not have (digest A25); this is the closest real one.
  UnsupportedOperationException: { createKey: "XksKeyInvalidConfigurationException", crypto: CRYPTO },
  DependencyTimeoutException: { createUpdate: UNREACHABLE, createKey: CKS_STATE, crypto: CRYPTO, connectionErrorCode: "XKS_PROXY_TIMED_OUT" },
  ThrottlingException: { createUpdate: UNREACHABLE, createKey: CKS_STATE, crypto: CRYPTO, connectionErrorCode: "XKS_PROXY_NOT_REACHABLE" },
  InternalException: { createUpdate: INVALID_RESPONSE, createKey: CKS_STATE, crypto: CRYPTO, connectionErrorCode: "XKS_PROXY_INVALID_RESPONSE" },
  DnsFailure: { createUpdate: UNREACHABLE, createKey: CKS_STATE, crypto: CRYPTO, connectionErrorCode: "XKS_PROXY_NOT_REACHABLE" },
  TcpFailure: { createUpdate: UNREACHABLE, createKey: CKS_STATE, crypto: CRYPTO, connectionErrorCode: "XKS_PROXY_NOT_REACHABLE" },
  TlsFailure: { createUpdate: UNREACHABLE, createKey: CKS_STATE, crypto: CRYPTO, connectionErrorCode: "XKS_PROXY_INVALID_TLS_CONFIGURATION" },
  Timeout: { createUpdate: UNREACHABLE, createKey: CKS_STATE, crypto: CRYPTO, connectionErrorCode: "XKS_PROXY_TIMED_OUT" },
  MalformedResponse: { createUpdate: INVALID_RESPONSE, createKey: CKS_STATE, crypto: CRYPTO, connectionErrorCode: "XKS_PROXY_INVALID_RESPONSE" },
  AllKeyManagersUnavailable: { createUpdate: UNREACHABLE, createKey: CKS_STATE, crypto: CRYPTO, connectionErrorCode: "XKS_PROXY_NOT_REACHABLE" },
  NotConnected: { createKey: CKS_STATE, crypto: CRYPTO },
};
