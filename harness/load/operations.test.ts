/**
 * The load run's verifier and KMS classification, without a network: a decrypt that gives back other bytes and an
 * encrypt whose CDIV does not match are wrong answers (Non-retryable), late right answers are KMS timeouts, 429s
 * are throttles, and XksProxyErrors' ErrorType follows the retryable set.
 */
import { describe, expect, it } from "vitest";
import type { XksResponse } from "../../src/client/index.js";
import { xksProxyErrorType as errorTypeOf } from "../../src/xks/index.js";
import { classifyAnswer, type Failed } from "../../src/client/index.js";
import { callFactory, type Sealed, type Sender } from "./operations.js";

const res = (status: number, json: unknown): XksResponse => ({ status, headers: {}, text: JSON.stringify(json), json, ms: 1 });
const sealed: Sealed = { keyId: "foo", plaintext: Buffer.alloc(32, 7).toString("base64"), aad: "", ciphertext: "AAAA", initializationVector: "A".repeat(16), authenticationTag: "A".repeat(24) };
// verify() never touches the client: only send() does.
const calls = callFactory({} as Sender, ["foo"], [sealed], { plaintextBytes: 32, aadBytes: 64 });

describe("load verifier", () => {
  it("takes a decrypt that gives back its plaintext, and fails a garbled one", () => {
    const call = calls.next("decrypt", 0);
    expect(call.verify(res(200, { plaintext: sealed.plaintext }))).toBeUndefined();
    expect(call.verify(res(200, { plaintext: Buffer.alloc(32, 8).toString("base64") }))).toMatchObject({ failure: "InvalidCiphertextReturned", detail: "decrypt answer: the plaintext is not the one encrypted" });
    expect(call.verify(res(200, { plaintext: Buffer.alloc(33, 7).toString("base64") }))?.detail).toMatch(/33 bytes; it must be 32 bytes/);
  });

  const answer = { ciphertext: Buffer.alloc(32).toString("base64"), initializationVector: Buffer.alloc(12).toString("base64"), authenticationTag: Buffer.alloc(16).toString("base64"), ciphertextDataIntegrityValue: Buffer.alloc(32).toString("base64") };

  it("fails an encrypt answer whose CDIV does not match its ciphertext", () => {
    expect(calls.next("encrypt", 0).verify(res(200, answer))).toMatchObject({ failure: "MalformedResponse", detail: "encrypt answer: ciphertextDataIntegrityValue does not match the ciphertext returned" });
  });

  it("fails an encrypt answer whose ciphertext is not as long as the plaintext", () => {
    const longer = { ...answer, ciphertext: Buffer.alloc(33).toString("base64") };
    expect(calls.next("encrypt", 0).verify(res(200, longer))?.detail).toBe("encrypt answer: ciphertext decodes to 33 bytes; it must be 32 bytes, the plaintext's length (AES-GCM keeps it)");
  });
});

describe("KMS classification", () => {
  it.each([
    { name: "a right answer in budget", status: 200, latency: 10, wrong: undefined, kind: "ok" },
    { name: "a right answer over budget", status: 200, latency: 300, wrong: undefined, kind: "kms-timeout" },
    { name: "a wrong answer", status: 200, latency: 10, wrong: { ok: false, failure: "MalformedResponse", detail: "bad" } as Failed, kind: "error" },
    { name: "a 429", status: 429, latency: 10, wrong: undefined, kind: "throttle" },
  ])("$name is $kind", ({ status, latency, wrong, kind }) => {
    const json = status === 429 ? { errorName: "ThrottlingException" } : {};
    expect(classifyAnswer(res(status, json), latency, 250, wrong).kind).toBe(kind);
  });

  it("splits ErrorType as the XksProxyErrors metric does", () => {
    expect(errorTypeOf("InternalException")).toBe("Retryable");
    expect(errorTypeOf("DependencyTimeoutException")).toBe("Retryable");
    expect(errorTypeOf("AuthenticationFailedException")).toBe("Non-retryable");
    expect(errorTypeOf("WrongAnswer")).toBe("Non-retryable");
  });

  it("counts a wrong answer as WrongAnswer, with the ConnectionErrorCode its failure gives", () => {
    const wrong: Failed = { ok: false, failure: "MalformedResponse", detail: "encrypt answer: x" };
    expect(classifyAnswer(res(200, {}), 10, 250, wrong)).toEqual({ kind: "error", errorType: "Non-retryable", exceptionName: "WrongAnswer", detail: "encrypt answer: x", connectionErrorCode: "XKS_PROXY_INVALID_RESPONSE" });
  });
});
