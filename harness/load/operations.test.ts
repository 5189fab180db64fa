/**
 * The load run's verifier and KMS classification, without a network: a decrypt that gives back other bytes and an
 * encrypt whose CDIV does not match are wrong answers (Non-retryable), late right answers are KMS timeouts, 429s
 * are throttles, and XksProxyErrors' ErrorType follows the retryable set.
 */
import { describe, expect, it } from "vitest";
import type { XksClient, XksResponse } from "../../src/client/index.js";
import { xksProxyErrorType as errorTypeOf } from "../../src/xks/index.js";
import { classifyAnswer } from "./kms-classify.js";
import { callFactory, type Sealed } from "./operations.js";

const res = (status: number, json: unknown): XksResponse => ({ status, headers: {}, text: JSON.stringify(json), json, ms: 1 });
const sealed: Sealed = { keyId: "foo", plaintext: Buffer.alloc(32, 7).toString("base64"), aad: "", ciphertext: "AAAA", initializationVector: "A".repeat(16), authenticationTag: "A".repeat(24) };
// verify() never touches the client: only send() does.
const calls = callFactory({} as XksClient, ["foo"], [sealed], { plaintextBytes: 32, aadBytes: 64 });

describe("load verifier", () => {
  it("takes a decrypt that gives back its plaintext, and fails a garbled one", () => {
    const call = calls.next("decrypt", 0);
    expect(call.verify(res(200, { plaintext: sealed.plaintext }))).toBeUndefined();
    expect(call.verify(res(200, { plaintext: Buffer.alloc(32, 8).toString("base64") }))).toMatch(/not the one encrypted/);
  });

  it("fails an encrypt answer whose CDIV does not match its ciphertext", () => {
    const answer = { ciphertext: "AAAA", initializationVector: Buffer.alloc(12).toString("base64"), authenticationTag: Buffer.alloc(16).toString("base64"), ciphertextDataIntegrityValue: Buffer.alloc(32).toString("base64") };
    expect(calls.next("encrypt", 0).verify(res(200, answer))).toMatch(/ciphertextDataIntegrityValue does not match/);
  });
});

describe("KMS classification", () => {
  it.each([
    { name: "a right answer in budget", status: 200, latency: 10, wrong: undefined, kind: "ok" },
    { name: "a right answer over budget", status: 200, latency: 300, wrong: undefined, kind: "kms-timeout" },
    { name: "a wrong answer", status: 200, latency: 10, wrong: "bad", kind: "error" },
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
});
