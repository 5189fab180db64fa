/**
 * Stores with VPC_ENDPOINT_SERVICE connectivity in the local KMS, through the real @aws-sdk/client-kms: the
 * exceptions Create/Update raise and the ConnectionErrorCode a Connect ends with for each requirement KMS has of
 * the endpoint service (KMS API reference), XksProxyVpcEndpointServiceOwner, and proxy calls that reach the mock
 * through the declared target while the endpoint stays https://localhost.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  CustomKeyStoreInvalidStateException,
  DecryptCommand,
  DisconnectCustomKeyStoreCommand,
  EncryptCommand,
  KMSClient,
  UpdateCustomKeyStoreCommand,
  XksProxyVpcEndpointServiceInUseException,
  XksProxyVpcEndpointServiceInvalidConfigurationException,
  XksProxyVpcEndpointServiceNotFoundException,
} from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EndpointServiceDeclarationInput } from "../src/ec2/index.js";
import type { StartedLocalKms } from "../src/kms/index.js";
import { randomXksCredential } from "../src/client/random-credential.js";
import { closedPort } from "./helpers/check-servers.js";
import { brokenServices, service, serviceName } from "./helpers/ec2-fixture.js";
import { connectStore, describeStore, expectKmsError, proxyRecords, sdkClient, startTestKms, storeInput } from "./helpers/kms-fixture.js";
import { startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";

const cred = randomXksCredential();
const PREFIXES = ["a", "b", "c", "d", "e", "f"] as const;
const OTHER = "111122223333";
const NF = ["XksProxyVpcEndpointServiceNotFoundException", XksProxyVpcEndpointServiceNotFoundException] as const;
const IC = ["XksProxyVpcEndpointServiceInvalidConfigurationException", XksProxyVpcEndpointServiceInvalidConfigurationException] as const;

let proxy: TestProxy;
let kms: StartedLocalKms;
let client: KMSClient;
let target: string;

/** Services 1-5 are good (2 leads nowhere); 20+ each break one requirement. */
function declarations(deadTarget: string): EndpointServiceDeclarationInput[] {
  return [
    service(1, target),
    service(2, deadTarget),
    service(3, target, { owner: OTHER }),
    service(4, target),
    service(5, target),
    service(20, target, { owner: OTHER }),
    ...brokenServices(target),
  ];
}

beforeAll(async () => {
  proxy = await startTestProxy(testConfig({ keystores: PREFIXES.map((p) => ({ name: `ks-${p}`, pathPrefix: `/${p}`, credentials: [cred], keys: [{ id: "foo" }] })) }));
  target = `https://127.0.0.1:${proxy.port}`;
  kms = await startTestKms({ endpointServices: { endpointServices: declarations(`https://127.0.0.1:${await closedPort()}`) } });
  client = sdkClient(kms);
});
afterAll(async () => {
  client?.destroy();
  await kms?.stop();
  await proxy?.stop();
});

/** CreateCustomKeyStore input for a VPC store on service `n`, endpoint https://localhost, keystore `ks-<prefix>`. */
function vpcInput(n: number, prefix: (typeof PREFIXES)[number] = "a", extra: Record<string, string> = {}) {
  return { ...storeInput(proxy, { endpoint: "https://localhost", keystore: `ks-${prefix}` }), XksProxyConnectivity: "VPC_ENDPOINT_SERVICE" as const, XksProxyVpcEndpointServiceName: serviceName(n), ...extra };
}

async function createVpcStore(n: number, prefix: (typeof PREFIXES)[number], extra: Record<string, string> = {}): Promise<string> {
  return (await client.send(new CreateCustomKeyStoreCommand(vpcInput(n, prefix, extra)))).CustomKeyStoreId!;
}

describe("CreateCustomKeyStore of a VPC store checks the endpoint service", () => {
  it.each([
    ["that is not declared", 99, NF],
    ["of another owner than the store names", 20, NF],
    ["that is not Available", 21, NF],
    ["that does not allow cks.kms.us-east-1.amazonaws.com", 22, IC],
    ["that requires acceptance", 23, IC],
    ["behind a Gateway Load Balancer", 24, IC],
    ["in one Availability Zone", 25, IC],
    ["without IPv4", 26, IC],
    ["without a private DNS name", 27, IC],
    ["whose private DNS name is not the endpoint's host", 28, IC],
    ["whose private DNS name is not verified", 29, IC],
  ] as const)("a service %s → %s", async (_what, n, [name, cls]) => {
    const e = await expectKmsError(client.send(new CreateCustomKeyStoreCommand(vpcInput(n))), name, cls);
    expect(e.message).toContain(serviceName(n));
  });

  it("creates a store on a good service without calling the proxy, and describes its owner", async () => {
    const before = proxyRecords(proxy).length;
    const id = await createVpcStore(1, "a");
    expect(proxyRecords(proxy).length).toBe(before);
    expect((await describeStore(client, id)).XksProxyConfiguration).toEqual({
      Connectivity: "VPC_ENDPOINT_SERVICE",
      AccessKeyId: cred.accessKeyId,
      UriEndpoint: "https://localhost",
      UriPath: "/a/kms/xks/v1",
      VpcEndpointServiceName: serviceName(1),
      VpcEndpointServiceOwner: "000000000000",
    });
    // Each store of a region needs its own service, whatever its path.
    await expectKmsError(client.send(new CreateCustomKeyStoreCommand(vpcInput(1, "b"))), "XksProxyVpcEndpointServiceInUseException", XksProxyVpcEndpointServiceInUseException);
  });

  it("finds another account's service by XksProxyVpcEndpointServiceOwner and returns that owner", async () => {
    const id = await createVpcStore(3, "c", { XksProxyVpcEndpointServiceOwner: OTHER });
    expect((await describeStore(client, id)).XksProxyConfiguration).toMatchObject({ VpcEndpointServiceName: serviceName(3), VpcEndpointServiceOwner: OTHER });
  });

  it.each([
    ["is not 12 digits", () => vpcInput(4, "d", { XksProxyVpcEndpointServiceOwner: "12345" }), /XksProxyVpcEndpointServiceOwner.*12 digits/],
    ["comes with PUBLIC_ENDPOINT connectivity", () => ({ ...storeInput(proxy, { keystore: "ks-d" }), XksProxyVpcEndpointServiceOwner: OTHER }), /only valid when XksProxyConnectivity is VPC_ENDPOINT_SERVICE/],
  ])("refuses an owner that %s", async (_what, input, message) => {
    const e = await expectKmsError(client.send(new CreateCustomKeyStoreCommand(input() as never)), "ValidationException");
    expect(e.message).toMatch(message);
  });
});

describe("UpdateCustomKeyStore of a VPC store", () => {
  it("checks a new service, refuses one in use, and needs DISCONNECTED to change the owner", async () => {
    const id = await createVpcStore(4, "d");
    await expectKmsError(client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyVpcEndpointServiceName: serviceName(29) })), ...IC);
    await expectKmsError(client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyVpcEndpointServiceOwner: OTHER })), ...NF);
    await expectKmsError(client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyUriEndpoint: "https://xks.example.com" })), ...IC);
    await expectKmsError(client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyVpcEndpointServiceName: serviceName(1) })), "XksProxyVpcEndpointServiceInUseException", XksProxyVpcEndpointServiceInUseException);
    expect((await describeStore(client, id)).XksProxyConfiguration).toMatchObject({ VpcEndpointServiceName: serviceName(4), UriEndpoint: "https://localhost" });
    expect((await connectStore(client, kms, id)).ConnectionState).toBe("CONNECTED");
    await expectKmsError(client.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyVpcEndpointServiceOwner: "000000000000" })), "CustomKeyStoreInvalidStateException", CustomKeyStoreInvalidStateException);
    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  });
});

describe("a connected VPC store", () => {
  it("reaches the mock through the declared target: Encrypt and Decrypt round-trip", async () => {
    const storeId = await createVpcStore(5, "e");
    expect((await connectStore(client, kms, storeId)).ConnectionState).toBe("CONNECTED");
    const key = await client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: storeId, XksKeyId: "foo" }));
    const before = proxyRecords(proxy).length;
    const sealed = await client.send(new EncryptCommand({ KeyId: key.KeyMetadata!.KeyId!, Plaintext: Buffer.from("through the endpoint") }));
    const opened = await client.send(new DecryptCommand({ KeyId: key.KeyMetadata!.KeyId!, CiphertextBlob: sealed.CiphertextBlob! }));
    expect(Buffer.from(opened.Plaintext!).toString()).toBe("through the endpoint");
    expect(proxyRecords(proxy).length).toBeGreaterThanOrEqual(before + 2);
  });

  it("fails to connect when the declared target does not answer, though the mock serves its endpoint's path", async () => {
    const s = await connectStore(client, kms, await createVpcStore(2, "b"));
    expect([s.ConnectionState, s.ConnectionErrorCode]).toEqual(["FAILED", "XKS_PROXY_NOT_REACHABLE"]);
  });
});

describe("ConnectCustomKeyStore of a VPC store whose service changed since it was created", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "xks-kms-vpc-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["is no longer verified", [service(7, "https://127.0.0.1:9", { privateDnsVerificationState: "failed" })], "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION"],
    ["is gone", [], "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND"],
  ])("ends FAILED when the service %s, without calling the proxy", async (_what, later, code) => {
    const stateFile = join(dir, `${code}.json`);
    const first = await startTestKms({ stateFile, endpointServices: { endpointServices: [service(7, target)] } });
    const c1 = sdkClient(first);
    let id: string;
    try {
      id = (await c1.send(new CreateCustomKeyStoreCommand({ ...storeInput(proxy, { endpoint: "https://localhost", keystore: "ks-f" }), XksProxyConnectivity: "VPC_ENDPOINT_SERVICE", XksProxyVpcEndpointServiceName: serviceName(7) }))).CustomKeyStoreId!;
    } finally {
      c1.destroy();
      await first.stop();
    }
    const second = await startTestKms({ stateFile, endpointServices: { endpointServices: later } });
    const c2 = sdkClient(second);
    try {
      const before = proxyRecords(proxy).length;
      const s = await connectStore(c2, second, id);
      expect([s.ConnectionState, s.ConnectionErrorCode]).toEqual(["FAILED", code]);
      expect(proxyRecords(proxy).length).toBe(before);
    } finally {
      c2.destroy();
      await second.stop();
    }
  });
});
