/**
 * The local KMS's custom-key-store API through the real AWS SDK against real mock proxies: the shapes
 * DescribeCustomKeyStores returns, the state machine, KMS's state rules for UpdateCustomKeyStore, and the
 * exception class the SDK raises for every failure row of the spec's table (spec, "Error codes → KMS considerations", and the KMS API reference).
 */
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  CustomKeyStoreHasCMKsException,
  CustomKeyStoreInvalidStateException,
  CustomKeyStoreNameInUseException,
  CustomKeyStoreNotFoundException,
  DeleteCustomKeyStoreCommand,
  DescribeCustomKeyStoresCommand,
  DisconnectCustomKeyStoreCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
  UpdateCustomKeyStoreCommand,
  XksProxyIncorrectAuthenticationCredentialException,
  XksProxyInvalidConfigurationException,
  XksProxyInvalidResponseException,
  XksProxyUriInUseException,
  XksProxyUriUnreachableException,
} from "@aws-sdk/client-kms";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { StartedLocalKms } from "../src/kms/index.js";
import type { FaultRuleInput } from "../src/proxy/fault-rule.js";
import type { XksCredential } from "../src/xks/sigv4/sign.js";
import { connectStore, createStore, describeStore, endpointOf, expectKmsError, KMS_BUDGET, pathOf, proxyRecords, sdkClient, startTestKms, storeInput } from "./helpers/kms-fixture.js";
import { closedPort } from "./helpers/check-servers.js";
import { startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";
import { addFault, clearFaults } from "./helpers/admin-faults.js";
import { randomXksCredential } from "../src/client/random-credential.js";

const credMain = randomXksCredential();
const credFaulty = randomXksCredential();
/** Keystores a..f of the main proxy: one path each, so several stores can live on one endpoint. */
const PREFIXES = ["a", "b", "c", "d", "e", "f"] as const;

let main: TestProxy, faulty: TestProxy;
let kms: StartedLocalKms;
let client: KMSClient;

beforeAll(async () => {
  [main, faulty, kms] = await Promise.all([
    startTestProxy(testConfig({ logLevel: "info", keystores: PREFIXES.map((p) => ({ name: `ks-${p}`, pathPrefix: `/${p}`, credentials: [credMain], keys: [{ id: "foo" }] })) })),
    startTestProxy(testConfig({ keystores: [{ name: "ks", pathPrefix: "/faulty", credentials: [credFaulty], keys: [{ id: "foo" }] }] })),
    startTestKms(),
  ]);
  client = sdkClient(kms);
});
afterAll(async () => {
  client?.destroy();
  await kms?.stop();
  await Promise.all([main, faulty].filter(Boolean).map((p) => p.stop()));
});

/** Proxy log records of XKS calls made with this kmsOperation on this keystore. */
function probes(proxy: TestProxy, kmsOperation: string, keystore?: string) {
  return proxyRecords(proxy).filter((r) => r.kmsOperation === kmsOperation && (keystore === undefined || r.keystore === keystore));
}

describe("CreateCustomKeyStore and DescribeCustomKeyStores", () => {
  let id: string;
  const name = "shapes-store";

  beforeAll(async () => {
    id = await createStore(client, main, { name, keystore: "ks-a" });
  });

  it("creates a DISCONNECTED store and describes it by id with the KMS API's shape (no secret)", async () => {
    expect(id).toMatch(/^cks-[0-9a-f]{17}$/);
    const out = await client.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id }));
    expect(out.CustomKeyStores).toEqual([
      {
        CustomKeyStoreId: id,
        CustomKeyStoreName: name,
        CustomKeyStoreType: "EXTERNAL_KEY_STORE",
        ConnectionState: "DISCONNECTED",
        CreationDate: expect.any(Date),
        XksProxyConfiguration: { Connectivity: "PUBLIC_ENDPOINT", AccessKeyId: credMain.accessKeyId, UriEndpoint: endpointOf(main), UriPath: "/a/kms/xks/v1" },
      },
    ]);
    expect(Math.abs(out.CustomKeyStores![0]!.CreationDate!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(out.Truncated).toBe(false);
    expect(out.NextMarker).toBeUndefined();
    expect(JSON.stringify(out)).not.toContain(credMain.secretAccessKey);
  });

  it("checked the public endpoint with GetHealthStatus, kmsOperation CreateCustomKeyStore", () => {
    expect(probes(main, "CreateCustomKeyStore", "ks-a")).toEqual([expect.objectContaining({ operation: "health", status: 200, accessKeyId: credMain.accessKeyId })]);
  });

  it("describes by name, and lists it among all stores of the region", async () => {
    const byName = await client.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreName: name }));
    expect(byName.CustomKeyStores?.map((s) => s.CustomKeyStoreId)).toEqual([id]);
    const all = await client.send(new DescribeCustomKeyStoresCommand({}));
    expect(all.CustomKeyStores?.map((s) => s.CustomKeyStoreId)).toContain(id);
  });

  it("an unknown id or name is CustomKeyStoreNotFoundException", async () => {
    await expectKmsError(client.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: "cks-0123456789abcdef0" })), "CustomKeyStoreNotFoundException", CustomKeyStoreNotFoundException);
    await expectKmsError(client.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreName: "no-such-store" })), "CustomKeyStoreNotFoundException", CustomKeyStoreNotFoundException);
    await expectKmsError(client.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: "cks-0123456789abcdef0" })), "CustomKeyStoreNotFoundException", CustomKeyStoreNotFoundException);
  });

  it("pages with Limit and NextMarker, in creation order, per region", async () => {
    // Another region has its own stores (and its own uniqueness), so this list holds exactly these three.
    const eu = sdkClient(kms, "eu-west-1");
    try {
      const ids: string[] = [];
      for (const p of ["a", "b", "c"]) ids.push(await createStore(eu, main, { name: `eu-${p}`, keystore: `ks-${p}` }));
      const first = await eu.send(new DescribeCustomKeyStoresCommand({ Limit: 2 }));
      expect(first.CustomKeyStores?.map((s) => s.CustomKeyStoreId)).toEqual(ids.slice(0, 2));
      expect(first.Truncated).toBe(true);
      expect(first.NextMarker).toEqual(expect.any(String));
      const second = await eu.send(new DescribeCustomKeyStoresCommand({ Limit: 2, Marker: first.NextMarker }));
      expect(second.CustomKeyStores?.map((s) => s.CustomKeyStoreId)).toEqual(ids.slice(2));
      expect(second.Truncated).toBe(false);
      expect(second.NextMarker).toBeUndefined();
      // The store of us-east-1 is not visible from eu-west-1, and vice versa.
      await expectKmsError(eu.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id })), "CustomKeyStoreNotFoundException", CustomKeyStoreNotFoundException);
      const usIds = (await client.send(new DescribeCustomKeyStoresCommand({}))).CustomKeyStores!.map((s) => s.CustomKeyStoreId);
      expect(usIds).not.toContain(ids[0]);
      // Region in the key ARNs and signing: the eu store's probe was signed for eu-west-1 (the proxy accepts any region).
      for (const s of (await eu.send(new DescribeCustomKeyStoresCommand({}))).CustomKeyStores!) await eu.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: s.CustomKeyStoreId! }));
    } finally {
      eu.destroy();
    }
  });
});

interface FailureRow {
  row: string;
  /** Fault rule on the faulty proxy's health API. */
  fault?: FaultRuleInput;
  /** Store input changes (Create) / UpdateCustomKeyStore fields (Update). */
  credential?: XksCredential;
  path?: string;
  exception: string;
  cls: abstract new (...args: never[]) => Error;
}

const wrongSecret = (): XksCredential => ({ accessKeyId: credFaulty.accessKeyId, secretAccessKey: randomXksCredential().secretAccessKey });
const UNREACHABLE = { exception: "XksProxyUriUnreachableException", cls: XksProxyUriUnreachableException };
const INVALID_RESPONSE = { exception: "XksProxyInvalidResponseException", cls: XksProxyInvalidResponseException };
const BAD_CREDENTIAL = { exception: "XksProxyIncorrectAuthenticationCredentialException", cls: XksProxyIncorrectAuthenticationCredentialException };
const BAD_CONFIG = { exception: "XksProxyInvalidConfigurationException", cls: XksProxyInvalidConfigurationException };

/** Spec table rows that a proxy answering GetHealthStatus can produce, for Create and Update alike. */
const ROWS: FailureRow[] = [
  { row: "6: wrong secret", credential: wrongSecret(), ...BAD_CREDENTIAL },
  { row: "6: unknown access key id", credential: randomXksCredential(), ...BAD_CREDENTIAL },
  { row: "6: AuthenticationFailedException", fault: { type: "reject-signatures", operation: "health" }, ...BAD_CREDENTIAL },
  { row: "9: wrong path (InvalidUriPathException)", path: "/nowhere/kms/xks/v1", ...BAD_CONFIG },
  { row: "17: malformed health (not JSON)", fault: { type: "malformed", body: "not-json", operation: "health" }, ...INVALID_RESPONSE },
  { row: "17: malformed health (wrong schema)", fault: { type: "malformed", body: "wrong-schema", operation: "health" }, ...INVALID_RESPONSE },
  { row: "13: InternalException", fault: { type: "error", errorName: "InternalException", operation: "health" }, ...INVALID_RESPONSE },
  { row: "1: ValidationException", fault: { type: "error", errorName: "ValidationException", operation: "health" }, ...INVALID_RESPONSE },
  { row: "12: ThrottlingException", fault: { type: "error", errorName: "ThrottlingException", operation: "health" }, ...UNREACHABLE },
  { row: "11: DependencyTimeoutException", fault: { type: "error", errorName: "DependencyTimeoutException", operation: "health" }, ...UNREACHABLE },
  { row: "every key manager UNAVAILABLE", fault: { type: "health-status", status: "UNAVAILABLE", operation: "health" }, ...UNREACHABLE },
];

describe("CreateCustomKeyStore: each proxy failure row raises the spec's exception, and creates nothing", () => {
  afterEach(() => clearFaults(faulty));

  it.each(ROWS)("row $row → $exception", async ({ fault, credential, path, exception, cls }) => {
    if (fault) await addFault(faulty, "ks", fault);
    const name = `create-fail-${Math.random().toString(36).slice(2)}`;
    const e = await expectKmsError(client.send(new CreateCustomKeyStoreCommand(storeInput(faulty, { name, ...(credential ? { credential } : {}), ...(path ? { path } : {}) }))), exception, cls);
    expect(e.$metadata.httpStatusCode).toBe(400);
    await expectKmsError(client.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreName: name })), "CustomKeyStoreNotFoundException", CustomKeyStoreNotFoundException);
  });

  it("row 14: a closed port → XksProxyUriUnreachableException", async () => {
    await expectKmsError(client.send(new CreateCustomKeyStoreCommand(storeInput(faulty, { endpoint: `https://localhost:${await closedPort()}` }))), "XksProxyUriUnreachableException", XksProxyUriUnreachableException);
  });

  it("row 15: a certificate KMS does not trust (no dev CA) → XksProxyUriUnreachableException", async () => {
    // The VPC store below reaches the faulty proxy through a declared endpoint service (private DNS name localhost).
    const untrusting = await startTestKms({ extraCa: [], endpointServices: { endpointServices: [{ serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", privateDnsName: "localhost", target: `https://127.0.0.1:${faulty.port}` }] } });
    const uc = sdkClient(untrusting);
    try {
      const e = await expectKmsError(uc.send(new CreateCustomKeyStoreCommand(storeInput(faulty))), "XksProxyUriUnreachableException", XksProxyUriUnreachableException);
      expect(e.message).toMatch(/cannot establish a TLS connection/);
      // A VPC endpoint service store is first contacted at Connect: FAILED with XKS_PROXY_INVALID_TLS_CONFIGURATION.
      const { CustomKeyStoreId } = await uc.send(
        new CreateCustomKeyStoreCommand({ ...storeInput(faulty), XksProxyConnectivity: "VPC_ENDPOINT_SERVICE", XksProxyVpcEndpointServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0" }),
      );
      expect(await connectStore(uc, untrusting, CustomKeyStoreId!)).toMatchObject({ ConnectionState: "FAILED", ConnectionErrorCode: "XKS_PROXY_INVALID_TLS_CONFIGURATION" });
    } finally {
      uc.destroy();
      await untrusting.stop();
    }
  });

  it("DEGRADED key managers are not a failure: the store is created", async () => {
    await addFault(faulty, "ks", { type: "health-status", status: "DEGRADED", operation: "health" });
    const id = await createStore(client, faulty);
    await client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  });
});

describe("UpdateCustomKeyStore of a CONNECTED store: KMS probes the new settings and raises the spec's exception", () => {
  let id: string;

  beforeAll(async () => {
    id = await createStore(client, faulty, { name: "update-failures" });
    expect(await connectStore(client, kms, id)).toMatchObject({ ConnectionState: "CONNECTED" });
  });
  afterEach(() => clearFaults(faulty));

  it.each(ROWS)("row $row → $exception; the store keeps its values and stays CONNECTED", async ({ fault, credential, path, exception, cls }) => {
    if (fault) await addFault(faulty, "ks", fault);
    const cred = credential ?? credFaulty;
    await expectKmsError(
      client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, ...(path ? { XksProxyUriPath: path } : {}), XksProxyAuthenticationCredential: { AccessKeyId: cred.accessKeyId, RawSecretAccessKey: cred.secretAccessKey } })),
      exception,
      cls,
    );
    expect(await describeStore(client, id)).toMatchObject({ ConnectionState: "CONNECTED", XksProxyConfiguration: { UriPath: "/faulty/kms/xks/v1", AccessKeyId: credFaulty.accessKeyId } });
  });
});

describe("row 16: KMS waits 250 ms per proxy call (the default budget)", () => {
  let budget: StartedLocalKms;
  let bc: KMSClient;
  beforeAll(async () => {
    budget = await startTestKms(KMS_BUDGET);
    bc = sdkClient(budget);
  });
  afterAll(async () => {
    bc?.destroy();
    await budget?.stop();
  });
  afterEach(() => clearFaults(faulty));

  it("a proxy answering health in 400 ms: CreateCustomKeyStore and UpdateCustomKeyStore raise XksProxyUriUnreachableException", async () => {
    const slow = { type: "latency", ms: 400, operation: "health" } as const;
    await addFault(faulty, "ks", slow);
    const e = await expectKmsError(bc.send(new CreateCustomKeyStoreCommand(storeInput(faulty, { name: "budget" }))), "XksProxyUriUnreachableException", XksProxyUriUnreachableException);
    expect(e.message).toMatch(/did not respond to the request within the timeout/);
    await clearFaults(faulty);

    const id = await createStore(bc, faulty, { name: "budget" });
    expect(await connectStore(bc, budget, id)).toMatchObject({ ConnectionState: "CONNECTED" });
    await addFault(faulty, "ks", slow);
    await expectKmsError(
      bc.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyAuthenticationCredential: { AccessKeyId: credFaulty.accessKeyId, RawSecretAccessKey: credFaulty.secretAccessKey } })),
      "XksProxyUriUnreachableException",
      XksProxyUriUnreachableException,
    );
    expect((await describeStore(bc, id)).ConnectionState).toBe("CONNECTED");
  });
});

describe("input validation: ValidationException names the field and never echoes the secret", () => {
  const secret = randomXksCredential().secretAccessKey;
  const good = { AccessKeyId: credMain.accessKeyId, RawSecretAccessKey: secret };
  const cases: { what: string; field: RegExp; change: Record<string, unknown>; secretShown?: string }[] = [
    { what: "AccessKeyId of lower case", field: /XksProxyAuthenticationCredential\.AccessKeyId/, change: { XksProxyAuthenticationCredential: { ...good, AccessKeyId: "lowercaseaccesskeyid0000" } } },
    { what: "a 30-char secret (43 needed)", field: /RawSecretAccessKey/, change: { XksProxyAuthenticationCredential: { ...good, RawSecretAccessKey: "S3cretTooShortButDistinctive30" } }, secretShown: "S3cretTooShortButDistinctive30" },
    { what: "a secret with forbidden characters", field: /RawSecretAccessKey/, change: { XksProxyAuthenticationCredential: { ...good, RawSecretAccessKey: `${secret.slice(0, 40)}!@#$%` } }, secretShown: `${secret.slice(0, 40)}!@#$%` },
    { what: "a credential without its secret", field: /RawSecretAccessKey/, change: { XksProxyAuthenticationCredential: { AccessKeyId: credMain.accessKeyId } } },
    { what: "a path not ending in /kms/xks/v1", field: /XksProxyUriPath/, change: { XksProxyUriPath: "/a/kms/xks" } },
    { what: "a path with a forbidden character", field: /XksProxyUriPath/, change: { XksProxyUriPath: "/a b/kms/xks/v1" } },
    { what: "an endpoint with a path", field: /XksProxyUriEndpoint/i, change: { XksProxyUriEndpoint: "https://localhost:8443/proxy" } },
    { what: "an http:// endpoint", field: /XksProxyUriEndpoint/i, change: { XksProxyUriEndpoint: "http://localhost" } },
  ];

  it.each(cases)("CreateCustomKeyStore with $what", async ({ field, change, secretShown }) => {
    const before = proxyRecords(main).length;
    const e = await expectKmsError(client.send(new CreateCustomKeyStoreCommand({ ...storeInput(main, { keystore: "ks-f" }), XksProxyAuthenticationCredential: good, ...change } as never)), "ValidationException");
    expect(e.message).toMatch(field);
    expect(e.message).not.toContain(secret);
    if (secretShown) expect(e.message).not.toContain(secretShown);
    // Refused before any network traffic.
    expect(proxyRecords(main).length).toBe(before);
  });

  it.each(cases.filter((c) => !c.what.includes("http://")))("UpdateCustomKeyStore with $what", async ({ field, change, secretShown }) => {
    const id = await createStore(client, main, { keystore: "ks-f", credential: credMain });
    try {
      const e = await expectKmsError(client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyAuthenticationCredential: good, ...change } as never)), "ValidationException");
      expect(e.message).toMatch(field);
      expect(e.message).not.toContain(secret);
      if (secretShown) expect(e.message).not.toContain(secretShown);
      expect((await describeStore(client, id)).XksProxyConfiguration).toMatchObject({ UriEndpoint: endpointOf(main), UriPath: "/f/kms/xks/v1", AccessKeyId: credMain.accessKeyId });
    } finally {
      await client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    }
  });

  it("a :port in XksProxyUriEndpoint is allowed by default, refused with strict: true", async () => {
    const id = await createStore(client, main, { keystore: "ks-f" });
    expect((await describeStore(client, id)).XksProxyConfiguration?.UriEndpoint).toBe(`https://localhost:${main.port}`);
    await client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));

    const strict = await startTestKms({ strict: true });
    const sc = sdkClient(strict);
    try {
      const e = await expectKmsError(sc.send(new CreateCustomKeyStoreCommand(storeInput(main, { keystore: "ks-f" }))), "ValidationException");
      expect(e.message).toMatch(/xksProxyUriEndpoint/i);
      expect(e.message).not.toMatch(/allowed locally/);
    } finally {
      sc.destroy();
      await strict.stop();
    }
  });

  it("a name in use is CustomKeyStoreNameInUseException, at Create and at Update", async () => {
    const one = await createStore(client, main, { name: "taken-name", keystore: "ks-b" });
    const two = await createStore(client, main, { name: "other-name", keystore: "ks-c" });
    try {
      await expectKmsError(client.send(new CreateCustomKeyStoreCommand(storeInput(main, { name: "taken-name", keystore: "ks-d" }))), "CustomKeyStoreNameInUseException", CustomKeyStoreNameInUseException);
      await expectKmsError(client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: two, NewCustomKeyStoreName: "taken-name" })), "CustomKeyStoreNameInUseException", CustomKeyStoreNameInUseException);
    } finally {
      for (const id of [one, two]) await client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    }
  });

  it("an endpoint + path in use is XksProxyUriInUseException, at Create and at Update", async () => {
    const one = await createStore(client, main, { keystore: "ks-b" });
    const two = await createStore(client, main, { keystore: "ks-c" });
    try {
      await expectKmsError(client.send(new CreateCustomKeyStoreCommand(storeInput(main, { keystore: "ks-b" }))), "XksProxyUriInUseException", XksProxyUriInUseException);
      await expectKmsError(
        client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: two, XksProxyUriPath: pathOf(main, "ks-b"), XksProxyAuthenticationCredential: { AccessKeyId: credMain.accessKeyId, RawSecretAccessKey: credMain.secretAccessKey } })),
        "XksProxyUriInUseException",
        XksProxyUriInUseException,
      );
    } finally {
      for (const id of [one, two]) await client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    }
  });
});

describe("the connection state machine and UpdateCustomKeyStore's state rules", () => {
  const cred = { AccessKeyId: credMain.accessKeyId, RawSecretAccessKey: credMain.secretAccessKey };

  it("Connect is asynchronous: CONNECTING, then CONNECTED after GetHealthStatus with kmsOperation ConnectCustomKeyStore", async () => {
    const slow = await startTestKms({ connectDelayMs: 500 });
    const sc = sdkClient(slow);
    try {
      const id = await createStore(sc, main, { keystore: "ks-e" });
      const before = probes(main, "ConnectCustomKeyStore", "ks-e").length;
      const out = await sc.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
      expect(out.$metadata.httpStatusCode).toBe(200);
      expect((await describeStore(sc, id)).ConnectionState).toBe("CONNECTING");
      await slow.idle();
      const s = await describeStore(sc, id);
      expect(s.ConnectionState).toBe("CONNECTED");
      expect(s.ConnectionErrorCode).toBeUndefined();
      expect(probes(main, "ConnectCustomKeyStore", "ks-e").length).toBe(before + 1);
      await sc.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
      expect((await describeStore(sc, id)).ConnectionState).toBe("DISCONNECTED");
    } finally {
      sc.destroy();
      await slow.stop();
    }
  });

  it("while CONNECTED: the endpoint is refused with CustomKeyStoreInvalidStateException; path, credential and name are probed and applied", async () => {
    const id = await createStore(client, main, { keystore: "ks-c", name: "connected-updates" });
    await connectStore(client, kms, id);
    const endpointChange = await expectKmsError(
      client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyUriEndpoint: endpointOf(faulty) })),
      "CustomKeyStoreInvalidStateException",
      CustomKeyStoreInvalidStateException,
    );
    expect(endpointChange.message).toMatch(/XksProxyUriEndpoint.*DISCONNECTED/);
    expect((await describeStore(client, id)).XksProxyConfiguration?.UriEndpoint).toBe(endpointOf(main));

    const probesBefore = probes(main, "UpdateCustomKeyStore", "ks-d").length;
    await client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyUriPath: pathOf(main, "ks-d"), XksProxyAuthenticationCredential: cred, NewCustomKeyStoreName: "connected-updates-2" }));
    expect(await describeStore(client, id)).toMatchObject({ CustomKeyStoreName: "connected-updates-2", ConnectionState: "CONNECTED", XksProxyConfiguration: { UriPath: "/d/kms/xks/v1", UriEndpoint: endpointOf(main) } });
    const probe = probes(main, "UpdateCustomKeyStore", "ks-d");
    expect(probe.length).toBe(probesBefore + 1);
    expect(probe.at(-1)).toMatchObject({ operation: "health", status: 200, accessKeyId: credMain.accessKeyId });

    // A rename alone does not touch the proxy.
    const before = proxyRecords(main).length;
    await client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, NewCustomKeyStoreName: "connected-updates-3" }));
    expect(proxyRecords(main).length).toBe(before);

    await expectKmsError(client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id })), "CustomKeyStoreInvalidStateException", CustomKeyStoreInvalidStateException);
    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    await client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    await expectKmsError(client.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id })), "CustomKeyStoreNotFoundException", CustomKeyStoreNotFoundException);
  });

  it("while DISCONNECTED nothing is probed; Connect then fails: FAILED with XKS_PROXY_NOT_REACHABLE for a closed port", async () => {
    const id = await createStore(client, main, { keystore: "ks-e", name: "moves-to-nowhere" });
    const before = proxyRecords(main).length;
    const nowhere = `https://localhost:${await closedPort()}`;
    await client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyUriEndpoint: nowhere }));
    expect(proxyRecords(main).length).toBe(before);
    expect(await connectStore(client, kms, id)).toMatchObject({ ConnectionState: "FAILED", ConnectionErrorCode: "XKS_PROXY_NOT_REACHABLE", XksProxyConfiguration: { UriEndpoint: nowhere } });
    // A FAILED store must be disconnected before it can be connected or updated again.
    await expectKmsError(client.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id })), "CustomKeyStoreInvalidStateException", CustomKeyStoreInvalidStateException);
    await expectKmsError(client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, NewCustomKeyStoreName: "x" })), "CustomKeyStoreInvalidStateException", CustomKeyStoreInvalidStateException);
    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    const s = await describeStore(client, id);
    expect(s.ConnectionState).toBe("DISCONNECTED");
    expect(s.ConnectionErrorCode).toBeUndefined();
    await client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyUriEndpoint: endpointOf(main) }));
    expect(await connectStore(client, kms, id)).toMatchObject({ ConnectionState: "CONNECTED" });
    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    await client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  });

  it("a wrong credential set while DISCONNECTED is not probed; Connect ends FAILED with INVALID_CREDENTIALS", async () => {
    const id = await createStore(client, main, { keystore: "ks-e", name: "wrong-credential" });
    const before = probes(main, "UpdateCustomKeyStore").length;
    await client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyAuthenticationCredential: { AccessKeyId: credMain.accessKeyId, RawSecretAccessKey: randomXksCredential().secretAccessKey } }));
    expect(probes(main, "UpdateCustomKeyStore").length).toBe(before);
    expect(await connectStore(client, kms, id)).toMatchObject({ ConnectionState: "FAILED", ConnectionErrorCode: "INVALID_CREDENTIALS" });
    // The proxy refused the signature (it reads no requestMetadata from an unauthenticated request).
    expect(proxyRecords(main).filter((r) => r.keystore === "ks-e").at(-1)).toMatchObject({ operation: "health", status: 401, errorName: "AuthenticationFailedException", authFailure: "signature does not match" });
    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    await client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  });

  it("a proxy that goes down: Update of a CONNECTED store is XksProxyUriUnreachableException; reconnecting ends FAILED, XKS_PROXY_NOT_REACHABLE", async () => {
    const credDoomed = randomXksCredential();
    const doomed = await startTestProxy(testConfig({ keystores: [{ name: "ks", pathPrefix: "/doomed", credentials: [credDoomed], keys: [] }] }));
    let id: string;
    try {
      id = await createStore(client, doomed);
      expect(await connectStore(client, kms, id)).toMatchObject({ ConnectionState: "CONNECTED" });
    } finally {
      await doomed.stop();
    }
    await expectKmsError(
      client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyAuthenticationCredential: { AccessKeyId: credDoomed.accessKeyId, RawSecretAccessKey: credDoomed.secretAccessKey } })),
      "XksProxyUriUnreachableException",
      XksProxyUriUnreachableException,
    );
    expect((await describeStore(client, id)).ConnectionState).toBe("CONNECTED");
    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    expect(await connectStore(client, kms, id)).toMatchObject({ ConnectionState: "FAILED", ConnectionErrorCode: "XKS_PROXY_NOT_REACHABLE" });
    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    await client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  });

  it("DeleteCustomKeyStore: CustomKeyStoreHasCMKsException while it holds KMS keys, even pending deletion", async () => {
    const id = await createStore(client, main, { keystore: "ks-f", name: "has-keys" });
    await connectStore(client, kms, id);
    const key = await client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: id, XksKeyId: "foo" }));
    await client.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyMetadata!.KeyId!, PendingWindowInDays: 7 }));
    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    await expectKmsError(client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id })), "CustomKeyStoreHasCMKsException", CustomKeyStoreHasCMKsException);
    expect((await describeStore(client, id)).ConnectionState).toBe("DISCONNECTED");
  });
});
