/**
 * Shared pieces of the proxy-api tests: the spec's rules for an error answer as one assertion, Base64 and
 * bit-flip helpers, clients aimed at arbitrary paths of a test proxy, fault injection through the admin API, and
 * the per-file setup of a mock with all of these.
 */
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { XksClient, type XksResponse } from "../../src/client/index.js";
import type { ProxyConfig } from "../../src/proxy/config-schema.js";
import { XKS_ERRORS, type XksErrorName } from "../../src/xks/errors.js";
import { clearFaults } from "./admin-faults.js";
import { EncryptResponse } from "../../src/xks/schemas.js";
import type { XksCredential } from "../../src/xks/sigv4/sign.js";
import { pem, startTestProxy, type TestProxy } from "./proxy-fixture.js";

export const b64 = (data: string | Uint8Array): string => (typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data)).toString("base64");
export const unb64 = (text: string): Buffer => Buffer.from(text, "base64");

/** The same Base64 value with one bit of byte `index` flipped. */
export function flipBit(text: string, index = 0): string {
  const bytes = unb64(text);
  bytes[index]! ^= 0x01;
  return bytes.toString("base64");
}

const describeRes = (res: XksResponse) => `HTTP ${res.status} content-type=${String(res.headers["content-type"])} body=${res.text.slice(0, 300)}`;

export function expectJsonContentType(res: XksResponse): void {
  expect(String(res.headers["content-type"]), describeRes(res)).toMatch(/^application\/json(\s*;|$)/);
}

/**
 * Spec "Error codes": the table's status, exactly this errorName, application/json, one line of compact JSON with
 * nothing but errorName and an optional errorMessage of fewer than 512 printable ASCII chars.
 */
export function expectXksError(res: XksResponse, errorName: XksErrorName): { errorName: string; errorMessage?: string } {
  const body = res.json as { errorName?: unknown; errorMessage?: unknown } | undefined;
  expect({ status: res.status, errorName: body?.errorName }, describeRes(res)).toEqual({ status: XKS_ERRORS[errorName].status, errorName });
  expectJsonContentType(res);
  expect(res.text, "one line of compact JSON").toBe(JSON.stringify(res.json));
  expect(res.text).not.toMatch(/[\r\n]/);
  expect(Object.keys(body!).filter((k) => k !== "errorName" && k !== "errorMessage"), "only errorName and errorMessage").toEqual([]);
  if (body!.errorMessage !== undefined) {
    expect(typeof body!.errorMessage).toBe("string");
    const message = body!.errorMessage as string;
    expect(message.length, message).toBeLessThan(512);
    expect(message, "printable ASCII 0x20-0x7E only").toMatch(/^[\x20-\x7e]*$/);
  }
  return body as { errorName: string; errorMessage?: string };
}

/** A 200 with a JSON body; returns the body. */
export function expectOk<T = Record<string, unknown>>(res: XksResponse): T {
  expect(res.status, describeRes(res)).toBe(200);
  expectJsonContentType(res);
  return res.json as T;
}

export type Sealed = EncryptResponse;

/** Encrypt that must succeed and answer a schema-valid body. */
export async function encryptOk(
  client: XksClient,
  keyId: string,
  fields: { plaintext: string; additionalAuthenticatedData?: string; ciphertextDataIntegrityValueAlgorithm?: string },
): Promise<Sealed> {
  const body = expectOk(await client.encrypt(keyId, fields));
  const parsed = EncryptResponse.safeParse(body);
  expect(parsed.success, JSON.stringify(body)).toBe(true);
  return parsed.data!;
}

/** The decrypt input for a sealed value: everything encrypt returned except the CDIV. */
export function decryptFields(s: Sealed, aad?: string) {
  return {
    ciphertext: s.ciphertext,
    initializationVector: s.initializationVector,
    authenticationTag: s.authenticationTag,
    ...(s.ciphertextMetadata !== undefined ? { ciphertextMetadata: s.ciphertextMetadata } : {}),
    ...(aad !== undefined ? { additionalAuthenticatedData: aad } : {}),
  };
}

/** Clients aimed at any path of a test proxy (wrong prefixes, other versions), closed together. */
export class PathClients {
  readonly #clients: XksClient[] = [];
  constructor(readonly proxy: TestProxy) {}

  /** A client whose base URL is the proxy's origin + `basePath` (which need not exist). */
  at(basePath: string, credential: XksCredential): XksClient {
    const c = new XksClient({ baseUrl: this.proxy.url + basePath, region: "us-east-1", credential }, { ca: pem("caCert") });
    this.#clients.push(c);
    return c;
  }

  async close(): Promise<void> {
    await Promise.all(this.#clients.map((c) => c.close()));
  }
}

export interface ApiProxy {
  /** The started mock (read it in hooks and tests, not while the file is collected). */
  readonly proxy: TestProxy;
  /** Clients at arbitrary paths of that mock, closed with it. */
  readonly paths: PathClients;
}

/**
 * Registers the hooks of a proxy-api test file: before its tests a mock on `config` starts; after each test the
 * faults added through the admin API are cleared; after all of them the path clients close and the mock stops
 * (with the clients it made). Clients of the mock are made in a beforeAll registered after this call.
 */
export function useApiProxy(config: ProxyConfig): ApiProxy {
  let proxy: TestProxy | undefined;
  let paths: PathClients | undefined;
  beforeAll(async () => {
    proxy = await startTestProxy(config);
    paths = new PathClients(proxy);
  });
  afterAll(async () => {
    await paths?.close();
    await proxy?.stop();
  });
  afterEach(async () => {
    await clearFaults(proxy!);
  });
  return {
    get proxy() {
      if (!proxy) throw new Error("the proxy-api mock is not running (useApiProxy starts it in beforeAll)");
      return proxy;
    },
    get paths() {
      if (!paths) throw new Error("the proxy-api mock is not running (useApiProxy starts it in beforeAll)");
      return paths;
    },
  };
}
