/**
 * @module kms/errors
 * KMS API errors as AWS JSON 1.1 sends them: `{"__type": "<ExceptionName>", "message": "..."}`, which the AWS
 * SDKs turn into exception classes of that name. KMS errors and XKS errorNames never share a class.
 */
import { KMS_FAILURE_MESSAGES, KMS_FAILURE_OUTCOMES, type ProxyFailure } from "../xks/index.js";

export class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "KmsError";
  }

  toBody(): { __type: string; message: string } {
    return { __type: this.type, message: this.message };
  }
}

export const kmsError = {
  validation: (message: string) => new KmsError("ValidationException", message),
  notFound: (message: string) => new KmsError("NotFoundException", message),
  storeNotFound: (id: string) => new KmsError("CustomKeyStoreNotFoundException", `Custom key store ${id} does not exist in this account and region`),
  storeState: (message: string) => new KmsError("CustomKeyStoreInvalidStateException", message),
  keyState: (message: string) => new KmsError("KMSInvalidStateException", message),
  unsupported: (message: string) => new KmsError("UnsupportedOperationException", message),
  internal: (message: string) => new KmsError("KMSInternalException", message, 500),
};

/**
 * The exception a KMS API raises for a proxy failure, from the spec's table (one column per API family), with the
 * spec's message and what was seen. Where the table names none, `fallback`.
 */
export function proxyFailureError(failure: ProxyFailure, detail: string, api: "createUpdate" | "createKey" | "crypto", fallback: string): KmsError {
  return new KmsError(KMS_FAILURE_OUTCOMES[failure][api] ?? fallback, `${KMS_FAILURE_MESSAGES[failure]} (${detail})`);
}
