/**
 * Every row of the spec's error table (src/xks/errors.ts), produced for real through signed HTTPS requests to the
 * mock, and the check order the AWS test client depends on (docs/spec-notes.md: "Unknown path before authentication", "Check order inside an operation").
 */
import { beforeAll, describe, expect, it } from "vitest";
import { randomXksCredential, type XksClient, type XksResponse } from "../src/client/index.js";
import { DEFAULT_PATH_PREFIX, PUBLIC_TEST_CREDENTIAL, defaultKeys } from "../src/proxy/config-schema.js";
import { XKS_ERROR_NAMES, type XksErrorName } from "../src/xks/errors.js";
import { b64, decryptFields, encryptOk, expectOk, expectXksError, flipBit, useApiProxy, type Sealed } from "./helpers/proxy-api-helpers.js";
import { testConfig } from "./helpers/proxy-fixture.js";
import { addFault } from "./helpers/admin-faults.js";

const KS = "api";
const CM_KS = "with-metadata";
const ALLOWED_PRINCIPAL = "arn:aws:iam::111122223333:role/allowed-caller";
const CM = b64("key_version=1");
const PT = b64("attack at dawn");
const AAD = b64("project=nile,department=marketing");

let c: XksClient;
let cm: XksClient;
let sealed: Sealed;
let sealedWithAad: Sealed;
let sealedCm: Sealed;
let sealedCmNoAad: Sealed;
const produced = new Set<XksErrorName>();

function expectError(res: XksResponse, name: XksErrorName) {
  const body = expectXksError(res, name);
  produced.add(name);
  return body;
}

const api = useApiProxy(
  testConfig({
    keystores: [
      {
        name: KS,
        pathPrefix: DEFAULT_PATH_PREFIX,
        credentials: [{ ...PUBLIC_TEST_CREDENTIAL }],
        keys: [...defaultKeys(), { id: "restricted", allowedPrincipals: [ALLOWED_PRINCIPAL], allowedOperations: ["Encrypt", "Decrypt", "CreateKey"] }],
      },
      { name: CM_KS, pathPrefix: "/with-metadata", credentials: [randomXksCredential()], ciphertextMetadata: CM, keys: [{ id: "foo" }] },
    ],
  }),
);
beforeAll(async () => {
  c = api.proxy.client({ keystore: KS });
  cm = api.proxy.client({ keystore: CM_KS });
  sealed = await encryptOk(c, "foo", { plaintext: PT });
  sealedWithAad = await encryptOk(c, "foo", { plaintext: PT, additionalAuthenticatedData: AAD });
  sealedCm = await encryptOk(cm, "foo", { plaintext: PT, additionalAuthenticatedData: AAD });
  sealedCmNoAad = await encryptOk(cm, "foo", { plaintext: PT });
});

const encPath = () => c.pathOf("encrypt", "foo");
const decPath = () => c.pathOf("decrypt", "foo");
const encBody = (over: Record<string, unknown> = {}) => ({ requestMetadata: c.metadataFor("encrypt"), encryptionAlgorithm: "AES_GCM", plaintext: PT, ...over });
const decBody = (over: Record<string, unknown> = {}) => ({ requestMetadata: c.metadataFor("decrypt"), encryptionAlgorithm: "AES_GCM", ...decryptFields(sealed), ...over });
const bytes = (n: number) => b64(Buffer.alloc(n, 7));

describe("400 ValidationException", () => {
  const cases: [string, () => Promise<XksResponse>][] = [
    ["health without requestMetadata (test-client test 2)", () => c.send("/health", {})],
    ["health with empty requestMetadata (test-client test 3)", () => c.send("/health", { requestMetadata: {} })],
    ["metadata without requestMetadata", () => c.send(c.pathOf("metadata", "foo"), {})],
    ["metadata with empty requestMetadata", () => c.send(c.pathOf("metadata", "foo"), { requestMetadata: {} })],
    ["encrypt without requestMetadata", () => c.send(encPath(), { encryptionAlgorithm: "AES_GCM", plaintext: PT })],
    ["encrypt with empty requestMetadata", () => c.send(encPath(), encBody({ requestMetadata: {} }))],
    ["decrypt without requestMetadata", () => c.send(decPath(), { ...decBody(), requestMetadata: undefined })],
    ["decrypt with empty requestMetadata", () => c.send(decPath(), decBody({ requestMetadata: {} }))],
    ["encrypt without plaintext", () => c.send(encPath(), encBody({ plaintext: undefined }))],
    ["plaintext that is not Base64", () => c.send(encPath(), encBody({ plaintext: "not base64!" }))],
    ["plaintext Base64 without padding", () => c.send(encPath(), encBody({ plaintext: "aGVsbG8" }))],
    ["plaintext that is not a string", () => c.send(encPath(), encBody({ plaintext: 42 }))],
    ["AAD that is not Base64", () => c.send(encPath(), encBody({ additionalAuthenticatedData: "@@@@" }))],
    ["decrypt ciphertext that is not Base64", () => c.send(decPath(), decBody({ ciphertext: "*" }))],
    ["encrypt with encryptionAlgorithm AES_CBC", () => c.send(encPath(), encBody({ encryptionAlgorithm: "AES_CBC" }))],
    ["encrypt without encryptionAlgorithm", () => c.send(encPath(), encBody({ encryptionAlgorithm: undefined }))],
    ["decrypt with encryptionAlgorithm aes_gcm", () => c.send(decPath(), decBody({ encryptionAlgorithm: "aes_gcm" }))],
    ["CDIV algorithm SHA_512", () => c.send(encPath(), encBody({ ciphertextDataIntegrityValueAlgorithm: "SHA_512" }))],
    ["decrypt with an 11-byte IV", () => c.send(decPath(), decBody({ initializationVector: bytes(11) }))],
    ["decrypt with a 15-byte tag", () => c.send(decPath(), decBody({ authenticationTag: bytes(15) }))],
    ["decrypt with 21 bytes of ciphertextMetadata", () => c.send(decPath(), decBody({ ciphertextMetadata: bytes(21) }))],
    ["decrypt without an IV", () => c.send(decPath(), decBody({ initializationVector: undefined }))],
    ["a body that is not JSON (encrypt)", () => c.send(encPath(), '{"requestMetadata":')],
    ["a body that is not JSON (health)", () => c.send("/health", "requestMetadata=1")],
    ["a JSON array body", () => c.send(encPath(), "[]")],
    ["a JSON null body", () => c.send("/health", "null")],
    ["Content-Type text/plain (encrypt)", () => c.send(encPath(), encBody(), { contentType: "text/plain" })],
    ["Content-Type text/plain (health)", () => c.send("/health", { requestMetadata: c.metadataFor("health") }, { contentType: "text/plain" })],
  ];
  it.each(cases)("%s", async (_label, call) => {
    expectError(await call(), "ValidationException");
  });

  it("names the bad field in errorMessage", async () => {
    const { errorMessage } = expectError(await c.send(decPath(), decBody({ initializationVector: bytes(11) })), "ValidationException");
    expect(errorMessage).toMatch(/initializationVector/);
  });
});

describe("400 InvalidStateException", () => {
  it("disabled_key refuses encrypt", async () => {
    expectError(await c.encrypt("disabled_key", { plaintext: PT }), "InvalidStateException");
  });
  it("disabled_key refuses decrypt", async () => {
    expectError(await c.decrypt("disabled_key", decryptFields(sealed)), "InvalidStateException");
  });
  it("disabled_key still answers metadata, with keyStatus DISABLED", async () => {
    expect(expectOk(await c.metadata("disabled_key"))).toEqual({ keySpec: "AES_256", keyUsage: ["ENCRYPT", "DECRYPT"], keyStatus: "DISABLED" });
  });
});

describe("400 InvalidCiphertextException", () => {
  it("the untouched ciphertext decrypts (control)", async () => {
    expect(expectOk(await c.decrypt("foo", decryptFields(sealedWithAad, AAD)))).toEqual({ plaintext: PT });
    expect(expectOk(await cm.decrypt("foo", decryptFields(sealedCm, AAD)))).toEqual({ plaintext: PT });
  });
  const tampered: [string, () => Promise<XksResponse>][] = [
    ["ciphertext", () => c.decrypt("foo", { ...decryptFields(sealedWithAad, AAD), ciphertext: flipBit(sealedWithAad.ciphertext, 3) })],
    ["IV", () => c.decrypt("foo", { ...decryptFields(sealedWithAad, AAD), initializationVector: flipBit(sealedWithAad.initializationVector, 11) })],
    ["tag", () => c.decrypt("foo", { ...decryptFields(sealedWithAad, AAD), authenticationTag: flipBit(sealedWithAad.authenticationTag, 15) })],
    ["AAD missing", () => c.decrypt("foo", decryptFields(sealedWithAad))],
    ["AAD different", () => c.decrypt("foo", decryptFields(sealedWithAad, b64("project=nile,department=sales")))],
    ["AAD added where encrypt had none", () => c.decrypt("foo", decryptFields(sealed, AAD))],
    ["ciphertextMetadata added where encrypt returned none", () => c.decrypt("foo", { ...decryptFields(sealed), ciphertextMetadata: CM })],
    ["ciphertextMetadata tampered", () => cm.decrypt("foo", { ...decryptFields(sealedCm, AAD), ciphertextMetadata: b64("key_version=2") })],
    ["ciphertextMetadata dropped", () => cm.decrypt("foo", { ...decryptFields(sealedCm, AAD), ciphertextMetadata: undefined })],
    // Without the spec's length framing these would decrypt: AAD ‖ metadata is the same byte string.
    ["metadata moved into the AAD", () => cm.decrypt("foo", { ...decryptFields(sealedCmNoAad), ciphertextMetadata: undefined, additionalAuthenticatedData: CM })],
    [
      "bytes moved from the metadata to the AAD",
      () => cm.decrypt("foo", { ...decryptFields(sealedCm), additionalAuthenticatedData: b64("project=nile,department=marketingk"), ciphertextMetadata: b64("ey_version=1") }),
    ],
  ];
  it.each(tampered)("%s", async (_label, call) => {
    expectError(await call(), "InvalidCiphertextException");
  });
});

describe("400 InvalidKeyUsageException", () => {
  it("encrypt_only_key encrypts but refuses decrypt", async () => {
    const s = await encryptOk(c, "encrypt_only_key", { plaintext: PT });
    expectError(await c.decrypt("encrypt_only_key", decryptFields(s)), "InvalidKeyUsageException");
  });
  it("decrypt_only_key refuses encrypt", async () => {
    expectError(await c.encrypt("decrypt_only_key", { plaintext: PT }), "InvalidKeyUsageException");
  });
  it("impotent_key refuses encrypt and decrypt", async () => {
    expectError(await c.encrypt("impotent_key", { plaintext: PT, additionalAuthenticatedData: AAD }), "InvalidKeyUsageException");
    expectError(await c.decrypt("impotent_key", decryptFields(sealed)), "InvalidKeyUsageException");
  });
  it("CDIV on encrypt_only_key fails its verify-decrypt (test-client tests 40/41), with and without AAD", async () => {
    expectError(await c.encrypt("encrypt_only_key", { plaintext: PT, additionalAuthenticatedData: AAD, ciphertextDataIntegrityValueAlgorithm: "SHA_256" }), "InvalidKeyUsageException");
    expectError(await c.encrypt("encrypt_only_key", { plaintext: PT, ciphertextDataIntegrityValueAlgorithm: "SHA_256" }), "InvalidKeyUsageException");
  });
  it("CDIV on decrypt_only_key and impotent_key", async () => {
    for (const key of ["decrypt_only_key", "impotent_key"]) {
      expectError(await c.encrypt(key, { plaintext: PT, ciphertextDataIntegrityValueAlgorithm: "SHA_256" }), "InvalidKeyUsageException");
    }
  });
});

describe("401 AuthenticationFailedException", () => {
  it("refuses an unsigned request", async () => {
    expectError(await c.health({}, { unsigned: true }), "AuthenticationFailedException");
    expectError(await c.encrypt("foo", { plaintext: PT }, {}, { unsigned: true }), "AuthenticationFailedException");
  });
  it("refuses a wrong secret and an unknown access key id", async () => {
    const wrongSecret = { ...PUBLIC_TEST_CREDENTIAL, secretAccessKey: `Invalid${PUBLIC_TEST_CREDENTIAL.secretAccessKey}` };
    expectError(await c.health({}, { credential: wrongSecret }), "AuthenticationFailedException");
    expectError(await c.metadata("foo", {}, { credential: wrongSecret }), "AuthenticationFailedException");
    expectError(await c.encrypt("foo", { plaintext: PT }, {}, { credential: randomXksCredential() }), "AuthenticationFailedException");
  });
});

describe("403 AccessDeniedException (secondary authorization)", () => {
  it("allows the listed principal and operations", async () => {
    expectOk(await c.metadata("restricted", { awsPrincipalArn: ALLOWED_PRINCIPAL }));
    expectOk(await c.encrypt("restricted", { plaintext: PT }, { awsPrincipalArn: ALLOWED_PRINCIPAL }));
  });
  it("refuses a principal not in allowedPrincipals", async () => {
    expectError(await c.metadata("restricted"), "AccessDeniedException");
    expectError(await c.encrypt("restricted", { plaintext: PT }), "AccessDeniedException");
  });
  it("refuses a kmsOperation not in allowedOperations", async () => {
    expectError(await c.encrypt("restricted", { plaintext: PT }, { awsPrincipalArn: ALLOWED_PRINCIPAL, kmsOperation: "GenerateDataKey" }), "AccessDeniedException");
  });
  it("never applies to health", async () => {
    expectOk(await c.health({ awsPrincipalArn: "arn:aws:iam::999999999999:user/stranger", kmsOperation: "NotAllowedAnywhere" }));
  });
});

describe("404 KeyNotFoundException", () => {
  it.each(["metadata", "encrypt", "decrypt"] as const)("unknown key on %s", async (op) => {
    const res =
      op === "metadata" ? await c.metadata("non_existing_key") : op === "encrypt" ? await c.encrypt("non_existing_key", { plaintext: PT }) : await c.decrypt("non_existing_key", decryptFields(sealed));
    expectError(res, "KeyNotFoundException");
  });
});

describe("404 InvalidUriPathException, answered before authentication", () => {
  const bad: [string, string, string][] = [
    ["wrong prefix", `${DEFAULT_PATH_PREFIX}/invalid/kms/xks/v1`, "/health"],
    ["no prefix", "/kms/xks/v1", "/keys/foo/encrypt"],
    ["version v2", `${DEFAULT_PATH_PREFIX}/kms/xks/v2`, "/health"],
    ["unknown operation", `${DEFAULT_PATH_PREFIX}/kms/xks/v1`, "/keys/foo/sign"],
    ["no operation", `${DEFAULT_PATH_PREFIX}/kms/xks/v1`, "/keys/foo"],
    ["empty key id", `${DEFAULT_PATH_PREFIX}/kms/xks/v1`, "/keys//encrypt"],
    ["trailing segment", `${DEFAULT_PATH_PREFIX}/kms/xks/v1`, "/health/now"],
  ];
  it.each(bad)("%s: signed, badly signed and unsigned all get 404", async (_label, base, path) => {
    const client = api.paths.at(base, { ...PUBLIC_TEST_CREDENTIAL });
    const body = { requestMetadata: client.metadataFor("encrypt"), plaintext: PT, encryptionAlgorithm: "AES_GCM" };
    expectError(await client.send(path, body), "InvalidUriPathException");
    expectError(await client.send(path, body, { credential: randomXksCredential() }), "InvalidUriPathException");
    expectError(await client.send(path, body, { unsigned: true }), "InvalidUriPathException");
  });
});

describe("429/500/503 through an injected error fault", () => {
  it.each(["ThrottlingException", "InternalException", "DependencyTimeoutException"] as const)("%s, then back to normal", async (errorName) => {
    await addFault(api.proxy, KS, { type: "error", errorName, operation: "encrypt", times: 1 });
    expectError(await c.encrypt("foo", { plaintext: PT }), errorName);
    expectOk(await c.encrypt("foo", { plaintext: PT }));
  });
  it("an error fault on health", async () => {
    await addFault(api.proxy, KS, { type: "error", errorName: "ThrottlingException", operation: "health" });
    expectError(await c.health(), "ThrottlingException");
    expectOk(await c.metadata("foo"));
  });
});

describe("501 UnsupportedOperationException", () => {
  it("plaintext one byte above limits.maxPlaintextBytes", async () => {
    const max = api.proxy.config().limits.maxPlaintextBytes;
    expectOk(await c.encrypt("foo", { plaintext: bytes(max) }));
    expectError(await c.encrypt("foo", { plaintext: bytes(max + 1) }), "UnsupportedOperationException");
  });
  it("AAD of 70000 bytes (above the framing's 65535) gets an answer, and the proxy keeps answering", async () => {
    const big = bytes(70_000);
    expectError(await c.encrypt("foo", { plaintext: PT, additionalAuthenticatedData: big }), "UnsupportedOperationException");
    expectError(await c.decrypt("foo", decryptFields(sealed, big)), "UnsupportedOperationException");
    expectOk(await c.health());
    expectOk(await c.encrypt("foo", { plaintext: PT, additionalAuthenticatedData: AAD }));
  });
  it("a body above limits.maxBodyBytes, and the proxy keeps answering", async () => {
    const max = api.proxy.config().limits.maxBodyBytes;
    expectError(await c.encrypt("foo", { plaintext: PT, additionalAuthenticatedData: bytes(max) }), "UnsupportedOperationException");
    expectOk(await c.health());
  });
});

describe("check order (the reference proxy's)", () => {
  it("unknown path with a bad signature → 404, not 401", async () => {
    const client = api.paths.at("/nowhere/kms/xks/v1", randomXksCredential());
    expectError(await client.health(), "InvalidUriPathException");
  });
  it("bad signature and an invalid body → 401", async () => {
    expectError(await c.send(encPath(), "not json", { credential: randomXksCredential() }), "AuthenticationFailedException");
  });
  it("valid signature, unknown key and an invalid body → 400 ValidationException", async () => {
    expectError(await c.send(c.pathOf("encrypt", "non_existing_key"), { requestMetadata: {} }), "ValidationException");
  });
  it("unknown key with a valid body → 404 KeyNotFoundException", async () => {
    expectError(await c.encrypt("non_existing_key", { plaintext: PT }), "KeyNotFoundException");
  });
  it("secondary authorization (403) before size caps (501) before key usage and state (400)", async () => {
    const over = bytes(api.proxy.config().limits.maxPlaintextBytes + 1);
    expectError(await c.encrypt("restricted", { plaintext: over }), "AccessDeniedException");
    expectError(await c.encrypt("impotent_key", { plaintext: over }), "UnsupportedOperationException");
    expectError(await c.encrypt("disabled_key", { plaintext: over }), "UnsupportedOperationException");
  });
});

it("produced every row of the spec error table", () => {
  expect([...produced].sort()).toEqual([...XKS_ERROR_NAMES].sort());
});
