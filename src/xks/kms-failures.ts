/**
 * @module xks/kms-failures
 * What KMS makes of each proxy failure (spec "Error codes → KMS considerations", with the KMS API reference for ConnectionErrorCode): the
 * exception CreateCustomKeyStore/UpdateCustomKeyStore, CreateKey and the cryptographic operations raise, and
 * the ConnectionErrorCode a ConnectCustomKeyStore ends with. The harness predicts with it; the local KMS obeys it.
 */
import type { XksErrorName } from "./errors.js";

/** Failures that are not an errorName: what KMS sees on the wire. */
type TransportFailure =
  | "DnsFailure"
  | "TcpFailure"
  | "TlsFailure"
  | "Timeout"
  | "MalformedResponse"
  | "AllKeyManagersUnavailable"
  | "InvalidCiphertextReturned"
  | "NotConnected";

export type ProxyFailure = XksErrorName | TransportFailure;

type ConnectionErrorCode =
  | "INVALID_CREDENTIALS"
  | "XKS_PROXY_ACCESS_DENIED"
  | "XKS_PROXY_INVALID_CONFIGURATION"
  | "XKS_PROXY_INVALID_RESPONSE"
  | "XKS_PROXY_INVALID_TLS_CONFIGURATION"
  | "XKS_PROXY_NOT_REACHABLE"
  | "XKS_PROXY_TIMED_OUT"
  | "INTERNAL_ERROR"
  | "NETWORK_ERRORS"
  | "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND"
  | "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION";

interface KmsOutcome {
  /** CreateCustomKeyStore / UpdateCustomKeyStore; undefined where the spec names none (docs/spec-notes.md, "Create and Update outcomes the spec leaves out"). */
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
  // The spec names "XksKeyInvalidResponseException", which the KMS API does not have; this is the closest real one.
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

/** The gist of the message KMS gives with each failure (spec "KMS considerations"; paraphrased, not matched on). */
export const KMS_FAILURE_MESSAGES: Record<ProxyFailure, string> = {
  ValidationException: "AWS KMS cannot interpret the response from the external key store proxy. If you see this error repeatedly, report it to your external key store proxy administrator",
  InvalidStateException: "The external key is not enabled in the external key manager. Enable the external key and retry",
  InvalidCiphertextException: "The external key store proxy rejected the request because the specified ciphertext or encryption context is corrupted, missing, or otherwise invalid",
  InvalidCiphertextReturned: "The ciphertext that the external key store proxy submitted for decryption, or the encryption context, is corrupted, missing, or otherwise invalid",
  InvalidKeyUsageException: "The external key does not support the requested operation. Enable the operation on the external key in the external key manager",
  AuthenticationFailedException: "The external key store proxy rejected the request because it could not authenticate AWS KMS. Verify the credentials for your external key store and update if necessary",
  AccessDeniedException: "The external key store proxy denied access to the operation. Verify that the user and the external key are both authorized for this operation",
  KeyNotFoundException: "The external key store proxy rejected the request because it could not find the external key",
  InvalidUriPathException: "The external key store proxy rejected the request because of an invalid URI path. Verify the URI path for your external key store and update if necessary",
  UnsupportedOperationException: "The external key store proxy rejected the request because it does not support the requested operation",
  DependencyTimeoutException: "The external key store proxy did not respond to the request within the timeout allotted by AWS KMS. Retry the request",
  ThrottlingException: "The external key store proxy rejected the request due to a very high request rate. Reduce the frequency of your calls",
  InternalException: "The external key store proxy rejected the request because it cannot communicate with the external key manager. Verify the external key store proxy configuration and that the external key manager is available",
  DnsFailure: "AWS KMS cannot resolve the external key store proxy's endpoint. Verify the XksProxyUriEndpoint",
  TcpFailure: "AWS KMS cannot communicate with the external key store proxy. Verify that the proxy is active and connected to the network, and that its endpoint URI is correct",
  TlsFailure: "AWS KMS cannot establish a TLS connection to the external key store proxy. Verify the TLS configuration, including its certificate",
  Timeout: "The external key store proxy did not respond to the request within the timeout allotted by AWS KMS. Retry the request",
  MalformedResponse: "AWS KMS cannot interpret the response from the external key store proxy",
  AllKeyManagersUnavailable: "Every external key manager behind the external key store proxy is unavailable",
  NotConnected: "The external key store is not connected to its external key store proxy. Connect the key store and retry",
};

/** The ErrorType dimension of KMS's `XksProxyErrors` CloudWatch metric. */
export type XksProxyErrorType = "Retryable" | "Non-retryable";

/**
 * The ErrorType of the XksProxyErrors metric (AWS KMS Developer Guide, "Monitoring with CloudWatch":
 * "Retryable errors are typically transient, such as throttling or a timeout; non-retryable errors need the
 * proxy or the key store fixed"). No table in the spec: this is the one place the split is made. Anything that is
 * not a ProxyFailure (a wrong answer, say) is Non-retryable.
 */
const RETRYABLE: ReadonlySet<string> = new Set<ProxyFailure>(["ThrottlingException", "InternalException", "DependencyTimeoutException", "Timeout", "TcpFailure"]);

export function xksProxyErrorType(failure: ProxyFailure | "WrongAnswer"): XksProxyErrorType {
  return RETRYABLE.has(failure) ? "Retryable" : "Non-retryable";
}
