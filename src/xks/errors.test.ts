import { describe, expect, it } from "vitest";
import type { XksOperation } from "./constants.js";
import { XKS_ERRORS, XKS_ERROR_NAMES, XksError, isValidErrorMessage, isXksErrorName, toErrorMessage } from "./errors.js";

const ALL: XksOperation[] = ["health", "metadata", "encrypt", "decrypt"];
const ALL_BUT_HEALTH: XksOperation[] = ["metadata", "encrypt", "decrypt"];

/** The spec's "Error codes" table, row by row. */
const SPEC_ERROR_TABLE: { status: number; errorName: string; apis: XksOperation[] }[] = [
  // The table says "all except GetHealthStatus"; the reference proxy and TC #2/#3 need it on health (docs/spec-notes.md, "Health requests are validated").
  { status: 400, errorName: "ValidationException", apis: ALL },
  { status: 400, errorName: "InvalidStateException", apis: ALL },
  { status: 400, errorName: "InvalidCiphertextException", apis: ["decrypt"] },
  { status: 400, errorName: "InvalidKeyUsageException", apis: ["encrypt", "decrypt"] },
  { status: 401, errorName: "AuthenticationFailedException", apis: ALL },
  { status: 403, errorName: "AccessDeniedException", apis: ALL_BUT_HEALTH },
  { status: 404, errorName: "KeyNotFoundException", apis: ALL_BUT_HEALTH },
  { status: 404, errorName: "InvalidUriPathException", apis: ALL },
  { status: 429, errorName: "ThrottlingException", apis: ALL },
  { status: 501, errorName: "UnsupportedOperationException", apis: ALL },
  { status: 503, errorName: "DependencyTimeoutException", apis: ALL },
  { status: 500, errorName: "InternalException", apis: ALL },
];

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

describe("XKS_ERRORS", () => {
  it("has exactly the spec's errorNames", () =>
    expect([...XKS_ERROR_NAMES].sort()).toEqual(SPEC_ERROR_TABLE.map((r) => r.errorName).sort()));

  it.each(SPEC_ERROR_TABLE)("$errorName is HTTP $status", ({ errorName, status, apis }) => {
    expect(isXksErrorName(errorName)).toBe(true);
    if (!isXksErrorName(errorName)) return;
    expect(XKS_ERRORS[errorName].status).toBe(status);
    expect([...XKS_ERRORS[errorName].apis].sort()).toEqual([...apis].sort());
    expect(new XksError(errorName).status).toBe(status);
  });
});

describe("isXksErrorName", () => {
  it.each([
    { name: "an inherited property", value: "toString" },
    { name: "constructor", value: "constructor" },
    { name: "__proto__", value: "__proto__" },
    { name: "wrong case", value: "validationexception" },
    { name: "a KMS exception name", value: "XksProxyInvalidResponseException" },
    { name: "the empty string", value: "" },
    { name: "undefined", value: undefined },
    { name: "a number", value: 400 },
    { name: "an object", value: { errorName: "ValidationException" } },
  ])("rejects $name", ({ value }) => expect(isXksErrorName(value)).toBe(false));
});

describe("XksError", () => {
  it("defaults its message to the errorName and keeps the cause", () => {
    const cause = new Error("hsm down");
    const e = new XksError("InternalException", undefined, { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("XksError");
    expect(e.message).toBe("InternalException");
    expect(e.cause).toBe(cause);
    expect(e.toBody()).toEqual({ errorName: "InternalException", errorMessage: "InternalException" });
  });

  it("keeps a short printable message as it is", () =>
    expect(new XksError("InvalidCiphertextException", "AAD does not match").toBody()).toEqual({
      errorName: "InvalidCiphertextException",
      errorMessage: "AAD does not match",
    }));

  const messages = [
    { name: "newlines and tabs", message: "line one\nline two\r\n\tindented" },
    { name: "unicode", message: "clé invalide — ключ ✗ 🔑" },
    { name: "600 chars", message: "x".repeat(600) },
    { name: "exactly 512 chars", message: "y".repeat(512) },
    { name: "600 chars of newlines and unicode", message: "é\n🔑".repeat(200) },
    { name: "control characters and DEL", message: "\u0000\u0007\u001b[31mred\u007f" },
  ];

  it.each(messages)("toBody().errorMessage is < 512 printable ASCII chars for $name", ({ message }) => {
    const body = new XksError("ValidationException", message).toBody();
    expect(body.errorName).toBe("ValidationException");
    expect(body.errorMessage.length).toBeLessThan(512);
    expect(body.errorMessage).toMatch(PRINTABLE_ASCII);
    expect(isValidErrorMessage(body.errorMessage)).toBe(true);
    expect(toErrorMessage(message)).toBe(body.errorMessage);
  });
});

describe("isValidErrorMessage", () => {
  it.each([
    { name: "empty", value: "", valid: true },
    { name: "511 chars", value: "a".repeat(511), valid: true },
    { name: "512 chars", value: "a".repeat(512), valid: false },
    { name: "a newline", value: "a\nb", valid: false },
    { name: "non-ASCII", value: "é", valid: false },
    { name: "not a string", value: 42, valid: false },
  ])("$name → $valid", ({ value, valid }) => expect(isValidErrorMessage(value)).toBe(valid));
});
