/**
 * The local KMS for the kms-* and update-* tests: started on port 0 beside real mock proxies, driven by the real
 * AWS SDK, with helpers for custom key stores, faults, the request log and the SDK's exception classes.
 */
import { randomBytes } from "node:crypto";
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  DescribeCustomKeyStoresCommand,
  KMSClient,
  KMSServiceException,
  type CustomKeyStoresListEntry,
} from "@aws-sdk/client-kms";
import { expect } from "vitest";
import { startLocalKms, type StartLocalKmsOptions, type StartedLocalKms } from "../../src/kms/index.js";
import type { RequestRecord } from "../../src/kms/app.js";
import { createLogger } from "../../src/proxy/request-log.js";
import type { XksCredential } from "../../src/xks/sigv4/sign.js";
import { pem, type TestProxy } from "./proxy-fixture.js";

/**
 * Options that keep KMS's real budget per proxy call (250 ms), for the tests of that budget. Elsewhere the test KMS
 * allows 1000 ms: on a loaded machine an event-loop stall can outlast 250 ms, and Node runs an expired timer before
 * the socket's pending answer, so a test of something else would fail with a timeout now and then.
 */
export const KMS_BUDGET = { proxyTimeoutMs: undefined } as const;

/** The local KMS on 127.0.0.1:0, silent, trusting the test CA, connecting quickly; 1000 ms per proxy call unless given. */
export function startTestKms(o: Partial<StartLocalKmsOptions> = {}): Promise<StartedLocalKms> {
  return startLocalKms({ port: 0, logger: createLogger("silent"), extraCa: [pem("caCert")], connectDelayMs: 10, proxyTimeoutMs: 1000, ...o });
}

/** The real SDK against the local KMS; one attempt, so a test sees each call exactly once. */
export function sdkClient(kms: StartedLocalKms, region = "us-east-1"): KMSClient {
  return new KMSClient({ endpoint: kms.url, region, credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" }, maxAttempts: 1 });
}

/** The endpoint KMS stores for a test proxy: https://localhost:<port> (a port is a local relaxation). */
export function endpointOf(proxy: { port: number }): string {
  return `https://localhost:${proxy.port}`;
}

/** The XksProxyUriPath of a keystore of a test proxy (default its first). */
export function pathOf(proxy: TestProxy, keystore?: string): string {
  return new URL(proxy.baseUrl(keystore)).pathname;
}

function credentialOf(proxy: TestProxy, keystore?: string, index = 0): XksCredential {
  const ks = proxy.config().keystores.find((k) => k.name === (keystore ?? proxy.config().keystores[0]!.name))!;
  return ks.credentials[index]!;
}

export interface StoreInput {
  name?: string;
  endpoint?: string;
  path?: string;
  credential?: XksCredential;
  keystore?: string;
}

/** CreateCustomKeyStore input aimed at a test proxy's keystore (default: its first keystore and credential). */
export function storeInput(proxy: TestProxy, o: StoreInput = {}) {
  const credential = o.credential ?? credentialOf(proxy, o.keystore);
  return {
    CustomKeyStoreName: o.name ?? `store-${randomBytes(6).toString("hex")}`,
    CustomKeyStoreType: "EXTERNAL_KEY_STORE" as const,
    XksProxyUriEndpoint: o.endpoint ?? endpointOf(proxy),
    XksProxyUriPath: o.path ?? pathOf(proxy, o.keystore),
    XksProxyConnectivity: "PUBLIC_ENDPOINT" as const,
    XksProxyAuthenticationCredential: { AccessKeyId: credential.accessKeyId, RawSecretAccessKey: credential.secretAccessKey },
  };
}

export async function createStore(client: KMSClient, proxy: TestProxy, o: StoreInput = {}): Promise<string> {
  return (await client.send(new CreateCustomKeyStoreCommand(storeInput(proxy, o)))).CustomKeyStoreId!;
}

export async function describeStore(client: KMSClient, id: string): Promise<CustomKeyStoresListEntry> {
  return (await client.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id }))).CustomKeyStores![0]!;
}

/** ConnectCustomKeyStore, then waits for the asynchronous connect to settle; returns the store as described. */
export async function connectStore(client: KMSClient, kms: StartedLocalKms, id: string): Promise<CustomKeyStoresListEntry> {
  await client.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  await kms.idle();
  return describeStore(client, id);
}

/** A connected store on the proxy with a KMS key bound to `xksKeyId`. */
export async function connectedKey(client: KMSClient, kms: StartedLocalKms, proxy: TestProxy, o: StoreInput & { xksKeyId?: string } = {}): Promise<{ storeId: string; keyId: string; arn: string }> {
  const storeId = await createStore(client, proxy, o);
  const s = await connectStore(client, kms, storeId);
  if (s.ConnectionState !== "CONNECTED") throw new Error(`store did not connect: ${s.ConnectionState} ${s.ConnectionErrorCode ?? ""}`);
  const key = await client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: storeId, XksKeyId: o.xksKeyId ?? "foo" }));
  return { storeId, keyId: key.KeyMetadata!.KeyId!, arn: key.KeyMetadata!.Arn! };
}

/** The local KMS's request log, over HTTP as any client would read it. */
export async function kmsRequests(kms: StartedLocalKms): Promise<RequestRecord[]> {
  const res = await fetch(`${kms.url}/_local/requests`);
  return (await res.json()) as RequestRecord[];
}

/** Operations the local KMS received after the first `from` records. */
export async function operationsSince(kms: StartedLocalKms, from: number): Promise<string[]> {
  return (await kmsRequests(kms)).slice(from).map((r) => r.operation);
}

/** Records of the mock proxy's request log (one per XKS call it answered). */
export function proxyRecords(proxy: TestProxy): Record<string, unknown>[] {
  return proxy.logs.records().filter((r) => r.msg === "request" || r.msg === "connection closed");
}

type ExceptionClass = abstract new (...args: never[]) => Error;

/**
 * Awaits a rejection and asserts the SDK raised `name` — as that exception class when the SDK has one (else as
 * KMSServiceException, e.g. ValidationException). Returns the error for further checks.
 */
export async function expectKmsError(call: Promise<unknown>, name: string, cls: ExceptionClass = KMSServiceException): Promise<KMSServiceException> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${name}, but the call succeeded`).toBeDefined();
  const e = caught as KMSServiceException;
  expect({ name: e.name, message: e.message }).toMatchObject({ name });
  expect(e).toBeInstanceOf(cls);
  expect(e).toBeInstanceOf(KMSServiceException);
  return e;
}
