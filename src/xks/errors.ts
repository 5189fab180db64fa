/**
 * @module xks/errors
 * The spec's error table ("Error codes"): errorName, HTTP status, and which APIs may return it.
 */
import { XKS_OPERATIONS, type XksOperation } from "./constants.js";
import { XKS_LIMITS } from "./limits.js";

const ALL: readonly XksOperation[] = XKS_OPERATIONS;
const ALL_BUT_HEALTH: readonly XksOperation[] = XKS_OPERATIONS.filter((op) => op !== "health");

/** errorName → HTTP status and the APIs that may return it. */
export const XKS_ERRORS = {
  // The table excludes GetHealthStatus, but the reference proxy and the AWS test client need it there (docs/spec-notes.md, "Health requests are validated").
  ValidationException: { status: 400, apis: ALL },
  InvalidStateException: { status: 400, apis: ALL },
  InvalidCiphertextException: { status: 400, apis: ["decrypt"] },
  InvalidKeyUsageException: { status: 400, apis: ["encrypt", "decrypt"] },
  AuthenticationFailedException: { status: 401, apis: ALL },
  AccessDeniedException: { status: 403, apis: ALL_BUT_HEALTH },
  KeyNotFoundException: { status: 404, apis: ALL_BUT_HEALTH },
  InvalidUriPathException: { status: 404, apis: ALL },
  ThrottlingException: { status: 429, apis: ALL },
  InternalException: { status: 500, apis: ALL },
  UnsupportedOperationException: { status: 501, apis: ALL },
  DependencyTimeoutException: { status: 503, apis: ALL },
} as const satisfies Record<string, { status: number; apis: readonly XksOperation[] }>;

export type XksErrorName = keyof typeof XKS_ERRORS;
export const XKS_ERROR_NAMES = Object.keys(XKS_ERRORS) as XksErrorName[];

export function isXksErrorName(name: unknown): name is XksErrorName {
  return typeof name === "string" && Object.hasOwn(XKS_ERRORS, name);
}

/** Spec: errorMessage is optional, fewer than 512 characters, printable ASCII (0x20-0x7E) only. */
export function toErrorMessage(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, XKS_LIMITS.maxErrorMessageChars);
}

export function isValidErrorMessage(text: unknown): boolean {
  return typeof text === "string" && text.length <= XKS_LIMITS.maxErrorMessageChars && /^[\x20-\x7e]*$/.test(text);
}

/** An error a proxy answers with: it renders itself as the spec's `{errorName, errorMessage}` body. */
export class XksError extends Error {
  readonly status: number;
  constructor(
    readonly errorName: XksErrorName,
    message: string = errorName,
    /** `status` replaces the table's, for a proxy that answers off the spec on purpose (fault injection). */
    options?: ErrorOptions & { status?: number },
  ) {
    super(message, options);
    this.name = "XksError";
    this.status = options?.status ?? XKS_ERRORS[errorName].status;
  }

  toBody(): { errorName: XksErrorName; errorMessage: string } {
    return { errorName: this.errorName, errorMessage: toErrorMessage(this.message) };
  }
}
