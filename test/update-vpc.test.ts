/**
 * `xks-harness update` of stores with VPC_ENDPOINT_SERVICE connectivity, with the real AWS SDKs against the local KMS
 * and its EC2 endpoint: XksProxyVpcEndpointServiceOwner is diffed, sent (also in the aws CLI lines) and needs
 * DISCONNECTED; the vpc-endpoint-service check refuses a service another store of the region uses
 * (XksProxyVpcEndpointServiceInUseException predicted) and a service KMS would reject — and then no
 * UpdateCustomKeyStore is sent.
 */
import { CreateCustomKeyStoreCommand, type KMSClient } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planLines } from "../harness/update/aws-cli.js";
import { runUpdate, type UpdateOptions, type UpdateReport } from "../harness/update/run-update.js";
import { randomXksCredential } from "../src/client/random-credential.js";
import type { StartedLocalKms } from "../src/kms/index.js";
import { join } from "node:path";
import { packageRoot } from "../src/package-root.js";
import { runCli } from "./helpers/cli-process.js";
import { service, serviceName } from "./helpers/ec2-fixture.js";
import { connectStore, describeStore, kmsRequests, operationsSince, sdkClient, startTestKms, storeInput } from "./helpers/kms-fixture.js";
import { pem, pkiPath, startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";

const OTHER = "111122223333";
const cred = randomXksCredential();
const PREFIXES = ["a", "b", "c", "d", "e", "f"] as const;

let proxy: TestProxy;
let kms: StartedLocalKms;
let client: KMSClient;

beforeAll(async () => {
  proxy = await startTestProxy(testConfig({ keystores: PREFIXES.map((p) => ({ name: `ks-${p}`, pathPrefix: `/${p}`, credentials: [cred], keys: [{ id: "foo" }] })) }));
  const target = `https://127.0.0.1:${proxy.port}`;
  kms = await startTestKms({
    endpointServices: {
      endpointServices: [
        service(1, target),
        service(2, target),
        service(3, target, { owner: OTHER, allowedPrincipals: ["cks.kms.us-east-1.amazonaws.com", "arn:aws:iam::000000000000:root"] }),
        service(4, target),
        service(5, target),
        service(6, target),
        service(7, target),
        service(23, target, { acceptanceRequired: true }),
      ],
    },
  });
  client = sdkClient(kms);
});
afterAll(async () => {
  client?.destroy();
  await kms?.stop();
  await proxy?.stop();
});

/** A VPC store on service `n` whose endpoint is https://localhost:<proxy port> (the private DNS name, a local port). */
async function vpcStore(n: number, prefix: (typeof PREFIXES)[number]): Promise<string> {
  const input = { ...storeInput(proxy, { endpoint: `https://localhost:${proxy.port}`, keystore: `ks-${prefix}`, credential: cred }), XksProxyConnectivity: "VPC_ENDPOINT_SERVICE" as const, XksProxyVpcEndpointServiceName: serviceName(n) };
  return (await client.send(new CreateCustomKeyStoreCommand(input))).CustomKeyStoreId!;
}

function update(storeId: string, wanted: Omit<UpdateOptions["wanted"], "secretAccessKey">, o: Partial<UpdateOptions> = {}): Promise<UpdateReport> {
  return runUpdate({
    kms: client,
    store: { id: storeId },
    wanted: { ...wanted, secretAccessKey: cred.secretAccessKey },
    check: { region: "us-east-1", keyIds: [], extraCa: [pem("caCert")], dev: true, timeoutMs: 3000, verbose: false, ec2: { endpoint: kms.url, env: {} } },
    dryRun: false,
    allowDisconnect: false,
    connectTimeoutMs: 5000,
    kmsEndpoint: kms.url,
    ...o,
  });
}

const vpcCheck = (r: UpdateReport) => r.check!.checks.find((c) => c.id === "vpc-endpoint-service")!;

describe("update of a VPC store", () => {
  it("refuses a service another store of the region uses: InUse predicted by the check, no UpdateCustomKeyStore sent", async () => {
    const a = await vpcStore(1, "a");
    const b = await vpcStore(2, "b");
    const from = (await kmsRequests(kms)).length;
    const r = await update(b, { vpcEndpointServiceName: serviceName(1) });
    expect(r.outcome).toBe("refused");
    expect(r.check?.predictedException).toBe("XksProxyVpcEndpointServiceInUseException");
    expect(r.check?.predictedConnectionErrorCode).toBeNull();
    expect(vpcCheck(r).detail).toContain(`FAIL no other external key store of us-east-1 uses ${serviceName(1)}: used by ${a}`);
    expect(r.message).toContain("UpdateCustomKeyStore would raise XksProxyVpcEndpointServiceInUseException");
    expect(await operationsSince(kms, from)).not.toContain("UpdateCustomKeyStore");
  });

  it("refuses a service KMS would reject: InvalidConfiguration predicted with its ConnectionErrorCode, nothing sent", async () => {
    const c = await vpcStore(5, "c");
    const from = (await kmsRequests(kms)).length;
    const r = await update(c, { vpcEndpointServiceName: serviceName(23) });
    expect(r.outcome).toBe("refused");
    expect([r.check?.predictedException, r.check?.predictedConnectionErrorCode]).toEqual(["XksProxyVpcEndpointServiceInvalidConfigurationException", "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION"]);
    expect(await operationsSince(kms, from)).not.toContain("UpdateCustomKeyStore");
  });

  it("moves to another account's service: diffs and sends XksProxyVpcEndpointServiceOwner (aws CLI line too); the store describes the new owner", async () => {
    const d = await vpcStore(4, "d");
    const r = await update(d, { vpcEndpointServiceName: serviceName(3), vpcEndpointServiceOwner: OTHER });
    expect(r.outcome, r.message).toBe("updated");
    expect(r.plan?.changes).toContain(`XksProxyVpcEndpointServiceOwner: 000000000000 → ${OTHER}`);
    expect(r.plan?.needsDisconnect).toBe(true);
    expect(vpcCheck(r).status).toBe("warn"); // a consumer cannot see the state and principals of another account's service
    expect(vpcCheck(r).detail).toContain(`ok   no other external key store of us-east-1 uses ${serviceName(3)}`);
    const [line] = planLines(r.plan!, { region: "us-east-1", endpointUrl: kms.url });
    expect(line).toContain(`--xks-proxy-vpc-endpoint-service-name ${serviceName(3)} --xks-proxy-vpc-endpoint-service-owner ${OTHER}`);
    expect(r.rollback).toContain(`--xks-proxy-vpc-endpoint-service-name ${serviceName(4)} --xks-proxy-vpc-endpoint-service-owner 000000000000`);
    expect((await describeStore(client, d)).XksProxyConfiguration).toMatchObject({ VpcEndpointServiceName: serviceName(3), VpcEndpointServiceOwner: OTHER });
    // The same owner again is no change.
    const again = await update(d, { vpcEndpointServiceOwner: OTHER }, { dryRun: true });
    expect(again.plan?.changes.some((c) => c.startsWith("XksProxyVpcEndpointServiceOwner"))).toBe(false);
  });

  it("a new owner of a CONNECTED store needs DISCONNECTED: refused without --allow-disconnect, before any check", async () => {
    const id = await vpcStore(6, "e");
    expect((await connectStore(client, kms, id)).ConnectionState).toBe("CONNECTED");
    const r = await update(id, { vpcEndpointServiceOwner: OTHER });
    expect(r.outcome).toBe("refused");
    expect(r.plan?.refusal).toContain("VPC endpoint service (name or owner) needs the store DISCONNECTED");
    expect(r.check).toBeUndefined();
  });

  it("the CLI: --ec2-endpoint and --vpc-endpoint-service-owner in a dry run; an owner for a PUBLIC_ENDPOINT snapshot is bad usage", async () => {
    const id = await vpcStore(7, "f");
    const cli = join(packageRoot(), "dist/harness/cli.js");
    const env = { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey };
    const r = await runCli(cli, ["update", "--custom-key-store-id", id, "--kms-endpoint", kms.url, "--ec2-endpoint", kms.url, "--vpc-endpoint-service-owner", "000000000000", "--ca", pkiPath("caCert"), "--dev", "--dry-run", "--json"], env);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.check.checks.find((c: { id: string }) => c.id === "vpc-endpoint-service")).toMatchObject({ status: "pass" });
    const snap = await runCli(cli, ["snapshot", "--out", join(packageRoot(), "never-written.json"), "--endpoint", `https://localhost:${proxy.port}`, "--path", "/a/kms/xks/v1", "--access-key-id", cred.accessKeyId, "--key-id", "foo", "--dev", "--vpc-endpoint-service-owner", OTHER], env);
    expect(snap.code).toBe(2);
    expect(snap.stderr).toContain("XksProxyVpcEndpointServiceOwner is only allowed with XksProxyConnectivity VPC_ENDPOINT_SERVICE");
  });
});
