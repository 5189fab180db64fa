/**
 * Property tests (fast-check) against the real mock over TLS: arbitrary bodies in correctly signed requests,
 * arbitrary header mutations and arbitrary paths never get a 5xx (except 501), a 200 only for a valid
 * signature, and always the spec's compact JSON error; after each property the proxy still answers.
 */
import fc from "fast-check";
import type { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { XksClient } from "../src/client/index.js";
import { DEFAULT_PATH_PREFIX, PUBLIC_TEST_CREDENTIAL } from "../src/proxy/config-schema.js";
import { XKS_API_SUFFIX, XKS_OPERATIONS, type XksOperation } from "../src/xks/constants.js";
import { isValidErrorMessage, isXksErrorName, XKS_ERRORS } from "../src/xks/errors.js";
import { DecryptResponse, EncryptResponse, HealthResponse, MetadataResponse } from "../src/xks/schemas.js";
import { kmsHeaders, rawAgent, sendRaw, type HeaderList, type RawResponse } from "./helpers/raw-xks-request.js";
import { startTestProxy, type TestProxy } from "./helpers/proxy-fixture.js";

const NUM_RUNS = 150;
const KEY_IDS = ["foo", "encrypt_only_key", "decrypt_only_key", "impotent_key", "disabled_key", "no_such_key"] as const;
const SUCCESS = { health: HealthResponse, metadata: MetadataResponse, encrypt: EncryptResponse, decrypt: DecryptResponse } as const;

let proxy: TestProxy;
let client: XksClient;
let agent: Agent;
let host: string;
/** The default keystore's base path. */
const basePath = `${DEFAULT_PATH_PREFIX}${XKS_API_SUFFIX}`;

beforeAll(async () => {
  proxy = await startTestProxy();
  client = proxy.client();
  agent = rawAgent();
  expect(new URL(proxy.baseUrl()).pathname).toBe(basePath);
  host = new URL(proxy.url).host;
});
afterAll(async () => {
  await agent?.close();
  await proxy?.stop();
});

const apiPath = (op: XksOperation, keyId: string) => `${basePath}${op === "health" ? "/health" : `/keys/${keyId}/${op}`}`;

/** What the spec allows as an answer of API `op`: a valid success body, or a table error that this API may return. */
function expectSpecAnswer(op: XksOperation, res: { status: number; headers: Record<string, unknown>; text: string; json: unknown }) {
  const where = `${op}: HTTP ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status >= 500 && res.status !== 501, where).toBe(false);
  expect(String(res.headers["content-type"]), where).toMatch(/^application\/json/);
  expect(res.json, where).toBeDefined();
  if (res.status === 200) {
    expect(SUCCESS[op].safeParse(res.json).success, where).toBe(true);
    return;
  }
  const { errorName, errorMessage } = res.json as { errorName?: unknown; errorMessage?: unknown };
  expect(isXksErrorName(errorName), where).toBe(true);
  const entry = XKS_ERRORS[errorName as keyof typeof XKS_ERRORS];
  expect(entry.status, where).toBe(res.status);
  expect(entry.apis, where).toContain(op);
  if (errorMessage !== undefined) expect(isValidErrorMessage(errorMessage), where).toBe(true);
  expect(res.text, where).not.toMatch(/[\r\n]/);
}

/** After each property: a valid signed call still works, and no request reached the catch-all InternalException. */
async function expectStillServing() {
  expect((await client.health()).status).toBe(200);
  expect(proxy.logs.records().filter((r) => r.msg === "unexpected error" || r.errorName === "InternalException")).toEqual([]);
}

const b64 = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b).toString("base64"));
/**
 * Mostly a valid value, now and then a near miss, any JSON value, or absent; about a third of the structured
 * bodies below are valid all through, so the properties reach the handlers' key, usage and ciphertext checks.
 */
const plausible = (valid: fc.Arbitrary<unknown>, nearMiss: fc.Arbitrary<unknown> = fc.jsonValue()) =>
  fc.oneof({ weight: 30, arbitrary: valid }, { weight: 1, arbitrary: nearMiss }, { weight: 1, arbitrary: fc.jsonValue() }, { weight: 1, arbitrary: fc.constant(undefined) });
/** Base64 of random bytes, or now and then more bytes than the mock supports (limits: plaintext 6144, AAD 12288). */
const b64OrTooLarge = (tooLarge: number) =>
  fc.oneof({ weight: 10, arbitrary: b64(0, 64) }, { weight: 1, arbitrary: fc.constant(Buffer.alloc(tooLarge, 7).toString("base64")) });
const notBase64 = fc.constantFrom("not base64!", "SGVsbG8", "SGVsbG8gV29ybGQh\n", "====");

const metadataArb = fc.record({
  kmsRequestId: plausible(fc.uuid(), fc.integer()),
  kmsOperation: plausible(fc.constantFrom("Encrypt", "Decrypt", "CreateKey", "KmsHealthCheck", "SomeFutureOperation"), fc.constant(null)),
  awsPrincipalArn: plausible(fc.string({ maxLength: 80 }), fc.constant(42)),
  kmsKeyArn: plausible(fc.string({ maxLength: 80 }), fc.constant([])),
  kmsViaService: plausible(fc.string({ maxLength: 10 })),
  someFutureField: fc.option(fc.jsonValue(), { nil: undefined }),
});

/** Bodies shaped like the four requests, every field valid or not: they reach the handlers' deeper checks. */
const structuredBody = fc
  .record({
    requestMetadata: plausible(metadataArb, fc.constant({})),
    plaintext: plausible(b64OrTooLarge(6145), notBase64),
    encryptionAlgorithm: plausible(fc.constant("AES_GCM"), fc.constantFrom("AES_CBC", "", "aes_gcm")),
    additionalAuthenticatedData: plausible(fc.option(b64OrTooLarge(12289), { nil: undefined }), notBase64),
    ciphertextDataIntegrityValueAlgorithm: plausible(fc.constantFrom("SHA_256", undefined), fc.constant("SHA_512")),
    ciphertext: plausible(b64(0, 64), notBase64),
    ciphertextMetadata: plausible(fc.option(b64(1, 20), { nil: undefined }), b64(21, 30)),
    initializationVector: plausible(fc.oneof(b64(12, 12), b64(16, 16)), b64(0, 20)),
    authenticationTag: plausible(b64(16, 16), b64(0, 20)),
  })
  .map((body) => JSON.stringify(body));

const textBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: "binary-ascii", maxLength: 200 }),
);

const target = fc.record({ op: fc.constantFrom(...XKS_OPERATIONS), keyId: fc.constantFrom(...KEY_IDS) });

describe("arbitrary bodies, correctly signed", () => {
  it("JSON values and strings: a spec answer, never a 5xx other than 501", async () => {
    await fc.assert(
      fc.asyncProperty(target, textBody, async ({ op, keyId }, body) => {
        const res = await client.send(apiPath(op, keyId).slice(basePath.length), body);
        expectSpecAnswer(op, res);
      }),
      { numRuns: NUM_RUNS },
    );
    await expectStillServing();
  });

  it("bodies shaped like the four requests, each field valid or not: a spec answer, never a 5xx other than 501", async () => {
    await fc.assert(
      fc.asyncProperty(target, structuredBody, async ({ op, keyId }, body) => {
        const res = await client.send(apiPath(op, keyId).slice(basePath.length), body);
        expectSpecAnswer(op, res);
      }),
      { numRuns: NUM_RUNS },
    );
    await expectStillServing();
  });

  it("arbitrary bytes (not necessarily UTF-8): a spec answer, never a 5xx other than 501", async () => {
    await fc.assert(
      fc.asyncProperty(target, fc.uint8Array({ maxLength: 300 }), async ({ op, keyId }, bytes) => {
        const body = Buffer.from(bytes);
        const path = apiPath(op, keyId);
        const res = await sendRaw(agent, proxy.url, { path, body, headers: kmsHeaders({ host, path, body, credential: PUBLIC_TEST_CREDENTIAL }) });
        expectSpecAnswer(op, res);
      }),
      { numRuns: NUM_RUNS },
    );
    await expectStillServing();
  });
});

const PRINTABLE = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 120 });
const SIGNED = ["authorization", "x-amz-date"] as const;

type Mutation =
  | { kind: "set"; name: "authorization" | "x-amz-date" | "content-type"; value: string }
  | { kind: "remove"; name: "authorization" | "x-amz-date" | "content-type" }
  | { kind: "duplicate"; name: "authorization" | "x-amz-date" | "content-type"; value: string | null };

const authorizationValue = fc.oneof(
  PRINTABLE,
  PRINTABLE.map((s) => `AWS4-HMAC-SHA256 ${s}`),
  fc.tuple(fc.constantFrom("us-east-1", "eu-west-1", "", "us-east-1/kms"), fc.constantFrom("kms-xks-proxy", "kms", "KMS-XKS-PROXY"), fc.stringMatching(/^[0-9a-f]{64}$/)).map(
    ([region, service, sig]) =>
      `AWS4-HMAC-SHA256 Credential=${PUBLIC_TEST_CREDENTIAL.accessKeyId}/20240515/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`,
  ),
);
const amzDateValue = fc.oneof(
  PRINTABLE,
  fc.date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString().replace(/[:-]|\.\d{3}/g, "")),
  fc.stringMatching(/^\d{8}T\d{6}Z$/),
);
const contentTypeValue = fc.oneof(PRINTABLE, fc.constantFrom("application/json", "application/json; charset=utf-8", "application/x-amz-json-1.1", "text/plain", "application/cbor", ""));

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), name: fc.constant("authorization" as const), value: authorizationValue }),
  fc.record({ kind: fc.constant("set" as const), name: fc.constant("x-amz-date" as const), value: amzDateValue }),
  fc.record({ kind: fc.constant("set" as const), name: fc.constant("content-type" as const), value: contentTypeValue }),
  fc.record({ kind: fc.constant("remove" as const), name: fc.constantFrom("authorization" as const, "x-amz-date" as const, "content-type" as const) }),
  fc.record({
    kind: fc.constant("duplicate" as const),
    name: fc.constantFrom("authorization" as const, "x-amz-date" as const, "content-type" as const),
    value: fc.option(PRINTABLE, { nil: null }), // null: the same value again
  }),
);

function mutate(headers: HeaderList, mutations: readonly Mutation[]): HeaderList {
  let out = headers.map(([n, v]) => [n, v] as [string, string]);
  for (const m of mutations) {
    if (m.kind === "set") out = out.some(([n]) => n === m.name) ? out.map(([n, v]) => [n, n === m.name ? m.value : v]) : [...out, [m.name, m.value]];
    else if (m.kind === "remove") out = out.filter(([n]) => n !== m.name);
    else {
      const current = out.find(([n]) => n === m.name);
      const value = m.value ?? current?.[1];
      if (value !== undefined) out.push([m.name, value]);
    }
  }
  return out;
}

/** Valid iff each signed header is sent exactly once, with its signed value (HTTP trims surrounding whitespace). */
function signatureStillValid(original: HeaderList, sent: HeaderList): boolean {
  return SIGNED.every((name) => {
    const values = sent.filter(([n]) => n === name).map(([, v]) => v.trim());
    return values.length === 1 && values[0] === original.find(([n]) => n === name)![1];
  });
}

describe("arbitrary header mutations of a correctly signed request", () => {
  it("never a 5xx; a broken signature is always 401, and only a valid one can get 200", async () => {
    await fc.assert(
      fc.asyncProperty(target, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), async ({ op, keyId }, mutations) => {
        const path = apiPath(op, keyId);
        const body = JSON.stringify({ requestMetadata: client.metadataFor(op) });
        const signed = kmsHeaders({ host, path, body, credential: PUBLIC_TEST_CREDENTIAL });
        const headers = mutate(signed, mutations);
        const res = await sendRaw(agent, proxy.url, { path, body, headers });
        const where = `${JSON.stringify(headers)} → HTTP ${res.status} ${res.text.slice(0, 200)}`;
        expect(res.status >= 500 && res.status !== 501, where).toBe(false);
        if (signatureStillValid(signed, headers)) {
          // Content-Type is not signed: only it can still make a validly signed request fail.
          expect([200, 400, 404], where).toContain(res.status);
          if (res.status !== 200) expectSpecAnswer(op, res);
        } else {
          expect(res.status, where).toBe(401);
          expect(res.json, where).toMatchObject({ errorName: "AuthenticationFailedException" });
        }
      }),
      { numRuns: NUM_RUNS },
    );
    await expectStillServing();
  });
});

const PATH_CHARS = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@%/"];
const segment = fc.oneof(
  fc.constantFrom("kms", "xks", "v1", "v2", "keys", "foo", "health", "metadata", "encrypt", "decrypt", "ping", "example", "..", ".", "", "%2F", "%00", "%", "%E0%A4%A", "%66oo"),
  fc.string({ unit: fc.constantFrom(...PATH_CHARS), maxLength: 16 }),
);
const segments = fc.array(segment, { maxLength: 8 }).map((s) => s.join("/"));
const pathArb = fc.oneof(
  fc.webPath().map((p) => (p.startsWith("/") ? p : `/${p}`)),
  segments.map((s) => `/${s}`),
  segments.map((s) => `${basePath}/${s}`),
  fc.tuple(segment, fc.constantFrom("metadata", "encrypt", "decrypt", "health", "Encrypt", "decrypt/", "")).map(([id, op]) => `${basePath}/keys/${id}/${op}`),
  fc.tuple(segments, fc.constantFrom("/kms/xks/v1/health", "/kms/xks/v1/keys/foo/encrypt")).map(([prefix, api]) => `/${prefix}${api}`),
);

/** Independent of the mock's router: the paths the spec defines under this keystore's base path. */
function isApiPath(pathname: string): boolean {
  if (pathname === `${basePath}/health`) return true;
  const m = new RegExp(`^${basePath.replace(/[/]/g, "\\/")}\\/keys\\/([^/]+)\\/(metadata|encrypt|decrypt)$`).exec(pathname);
  if (!m) return false;
  try {
    decodeURIComponent(m[1]!);
    return true;
  } catch {
    return false;
  }
}

describe("arbitrary paths and methods", () => {
  it("404 InvalidUriPathException off the API, 405 for a non-POST on it, never a 5xx", async () => {
    const methods = fc.constantFrom("POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS");
    await fc.assert(
      fc.asyncProperty(pathArb, methods, async (path, method) => {
        const body = JSON.stringify({ requestMetadata: client.metadataFor("health") });
        let headers: HeaderList;
        try {
          headers = kmsHeaders({ host, path, body, method, credential: PUBLIC_TEST_CREDENTIAL });
        } catch {
          headers = [["content-type", "application/json"]]; // aws4 cannot canonicalise this path: send it unsigned
        }
        const res: RawResponse = await sendRaw(agent, proxy.url, { method, path, headers, body });
        const where = `${method} ${path} → HTTP ${res.status} ${res.text.slice(0, 200)}`;
        expect(res.status >= 500 && res.status !== 501, where).toBe(false);
        const pathname = path.split("?")[0]!;
        if (/^\/ping\/?$/i.test(pathname) && (method === "GET" || method === "OPTIONS")) return; // the load balancer check
        if (!isApiPath(pathname)) {
          expect(res.status, where).toBe(404);
          expect(res.json, where).toMatchObject({ errorName: "InvalidUriPathException" });
        } else if (method !== "POST") {
          expect(res.status, where).toBe(405);
        } else {
          expectSpecAnswer(pathname.endsWith("/health") ? "health" : (pathname.split("/").pop() as XksOperation), res);
        }
      }),
      { numRuns: NUM_RUNS },
    );
    await expectStillServing();
  });
});
