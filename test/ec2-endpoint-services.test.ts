/**
 * The local EC2 endpoint (on the local KMS's port) describing declared VPC endpoint services, through the real
 * @aws-sdk/client-ec2 and the AWS CLI: every field of the owner's and a consumer's view, ids, names, filters,
 * regions, and EC2's XML errors for bad requests.
 */
import {
  DescribeVpcEndpointServiceConfigurationsCommand,
  DescribeVpcEndpointServicePermissionsCommand,
  DescribeVpcEndpointServicesCommand,
  EC2Client,
  EC2ServiceException,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultEndpointServices, DEFAULT_ENDPOINT_SERVICE_NAME, parseEndpointServices } from "../src/ec2/index.js";
import type { StartedLocalKms } from "../src/kms/index.js";
import { awsCli, ec2Client, service, serviceName } from "./helpers/ec2-fixture.js";
import { startTestKms } from "./helpers/kms-fixture.js";

const TARGET = "https://127.0.0.1:9";
const OTHER = "111122223333";
let kms: StartedLocalKms;
let ec2: EC2Client;

beforeAll(async () => {
  kms = await startTestKms({
    endpointServices: {
      endpointServices: [
        service(1, TARGET),
        service(2, TARGET, { loadBalancer: "gateway", state: "Pending", acceptanceRequired: true, availabilityZones: ["us-east-1c"], ipAddressTypes: ["ipv6"], privateDnsName: undefined }),
        // Another account's services: one the local account may connect to, one it may not see.
        service(3, TARGET, { owner: OTHER, allowedPrincipals: ["cks.kms.us-east-1.amazonaws.com", "arn:aws:iam::000000000000:root"] }),
        service(4, TARGET, { owner: "444455556666" }),
        service(5, TARGET, { region: "eu-west-1", privateDnsVerificationState: "pendingVerification" }),
      ],
    },
  });
  ec2 = ec2Client(kms);
});
afterAll(async () => {
  ec2?.destroy();
  await kms?.stop();
});

async function ec2Error(call: Promise<unknown>): Promise<EC2ServiceException> {
  const e = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, "expected an EC2 error").toBeInstanceOf(EC2ServiceException);
  return e as EC2ServiceException;
}

const id = (n: number) => serviceName(n).split(".").pop()!;

describe("DescribeVpcEndpointServiceConfigurations (the owner's view)", () => {
  it("describes every field of the caller's services in the caller's region", async () => {
    const r = await ec2.send(new DescribeVpcEndpointServiceConfigurationsCommand({}));
    expect(r.ServiceConfigurations!.map((c) => c.ServiceId)).toEqual([id(1), id(2)]);
    expect(r.NextToken).toBeUndefined();
    const [good, bad] = r.ServiceConfigurations!;
    expect(good).toEqual({
      ServiceType: [{ ServiceType: "Interface" }],
      ServiceId: id(1),
      ServiceName: serviceName(1),
      ServiceState: "Available",
      AvailabilityZones: ["us-east-1a", "us-east-1b"],
      AcceptanceRequired: false,
      ManagesVpcEndpoints: false,
      NetworkLoadBalancerArns: [expect.stringMatching(/^arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer\/net\//)],
      SupportedIpAddressTypes: ["ipv4"],
      BaseEndpointDnsNames: [`${id(1)}.us-east-1.vpce.amazonaws.com`],
      PrivateDnsName: "localhost",
      PrivateDnsNameConfiguration: { State: "verified", Type: "TXT", Value: expect.stringMatching(/^vpce:/), Name: expect.stringMatching(/^_/) },
      PayerResponsibility: "ServiceOwner",
    });
    expect(bad).toMatchObject({ ServiceType: [{ ServiceType: "GatewayLoadBalancer" }], ServiceState: "Pending", AcceptanceRequired: true, AvailabilityZones: ["us-east-1c"], SupportedIpAddressTypes: ["ipv6"] });
    expect(bad!.GatewayLoadBalancerArns![0]).toMatch(/loadbalancer\/gwy\//);
    expect(bad).not.toHaveProperty("NetworkLoadBalancerArns");
    expect(bad).not.toHaveProperty("PrivateDnsName");
  });

  it("selects by ServiceIds and filters; an unknown or malformed id is EC2's error", async () => {
    const byId = await ec2.send(new DescribeVpcEndpointServiceConfigurationsCommand({ ServiceIds: [id(2)] }));
    expect(byId.ServiceConfigurations!.map((c) => c.ServiceId)).toEqual([id(2)]);
    const byName = await ec2.send(new DescribeVpcEndpointServiceConfigurationsCommand({ Filters: [{ Name: "service-name", Values: [serviceName(1), "x"] }] }));
    expect(byName.ServiceConfigurations!.map((c) => c.ServiceId)).toEqual([id(1)]);
    const none = await ec2.send(new DescribeVpcEndpointServiceConfigurationsCommand({ Filters: [{ Name: "service-state", Values: ["Deleted"] }] }));
    expect(none.ServiceConfigurations).toEqual([]);
    expect((await ec2Error(ec2.send(new DescribeVpcEndpointServiceConfigurationsCommand({ ServiceIds: [id(4)] })))).name).toBe("InvalidVpcEndpointServiceId.NotFound");
    expect((await ec2Error(ec2.send(new DescribeVpcEndpointServiceConfigurationsCommand({ ServiceIds: ["svc-1"] })))).name).toBe("InvalidVpcEndpointServiceId.Malformed");
    const badFilter = await ec2Error(ec2.send(new DescribeVpcEndpointServiceConfigurationsCommand({ Filters: [{ Name: "colour", Values: ["x"] }] })));
    expect({ name: badFilter.name, message: badFilter.message }).toEqual({ name: "InvalidParameterValue", message: "The filter 'colour' is invalid" });
  });

  it("answers for the region of the credential scope", async () => {
    const eu = ec2Client(kms, "eu-west-1");
    try {
      const r = await eu.send(new DescribeVpcEndpointServiceConfigurationsCommand({}));
      expect(r.ServiceConfigurations!.map((c) => [c.ServiceName, c.PrivateDnsNameConfiguration?.State])).toEqual([[serviceName(5, "eu-west-1"), "pendingVerification"]]);
    } finally {
      eu.destroy();
    }
  });
});

describe("DescribeVpcEndpointServicePermissions", () => {
  it("lists the allowed principals of the caller's service, with their type", async () => {
    const r = await ec2.send(new DescribeVpcEndpointServicePermissionsCommand({ ServiceId: id(1) }));
    expect(r.AllowedPrincipals).toEqual([{ PrincipalType: "Service", Principal: "cks.kms.us-east-1.amazonaws.com", ServicePermissionId: expect.stringMatching(/^vpce-svc-perm-[0-9a-f]{17}$/), ServiceId: id(1) }]);
    const filtered = await ec2.send(new DescribeVpcEndpointServicePermissionsCommand({ ServiceId: id(1), Filters: [{ Name: "principal-type", Values: ["Account"] }] }));
    expect(filtered.AllowedPrincipals).toEqual([]);
  });

  it("does not show another account's service", async () => {
    expect((await ec2Error(ec2.send(new DescribeVpcEndpointServicePermissionsCommand({ ServiceId: id(3) })))).name).toBe("InvalidVpcEndpointServiceId.NotFound");
  });
});

describe("DescribeVpcEndpointServices (a consumer's view)", () => {
  it("shows the caller's services and those it is allowed to connect to, with every field", async () => {
    const r = await ec2.send(new DescribeVpcEndpointServicesCommand({}));
    expect(r.ServiceNames).toEqual([serviceName(1), serviceName(2), serviceName(3)]);
    expect(r.ServiceDetails![2]).toEqual({
      ServiceName: serviceName(3),
      ServiceId: id(3),
      ServiceType: [{ ServiceType: "Interface" }],
      ServiceRegion: "us-east-1",
      AvailabilityZones: ["us-east-1a", "us-east-1b"],
      Owner: OTHER,
      BaseEndpointDnsNames: [`${id(3)}.us-east-1.vpce.amazonaws.com`],
      PrivateDnsName: "localhost",
      PrivateDnsNames: [{ PrivateDnsName: "localhost" }],
      VpcEndpointPolicySupported: true,
      AcceptanceRequired: false,
      ManagesVpcEndpoints: false,
      PayerResponsibility: "ServiceOwner",
      PrivateDnsNameVerificationState: "verified",
      SupportedIpAddressTypes: ["ipv4"],
    });
  });

  it("selects by ServiceNames and owner filter; a service the caller cannot see is InvalidServiceName", async () => {
    const r = await ec2.send(new DescribeVpcEndpointServicesCommand({ ServiceNames: [serviceName(3)], Filters: [{ Name: "owner", Values: [OTHER] }] }));
    expect(r.ServiceDetails!.map((d) => d.Owner)).toEqual([OTHER]);
    expect((await ec2Error(ec2.send(new DescribeVpcEndpointServicesCommand({ ServiceNames: [serviceName(4)] })))).name).toBe("InvalidServiceName");
  });
});

describe("EC2 query protocol errors", () => {
  async function post(body: string): Promise<{ status: number; type: string | null; text: string }> {
    const res = await fetch(kms.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body, signal: AbortSignal.timeout(5000) });
    return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
  }

  it.each([
    ["Action=RunInstances&Version=2016-11-15", 400, "InvalidAction"],
    ["Action=DescribeVpcEndpointServices", 400, "MissingParameter"],
    ["Version=2016-11-15", 400, "MissingAction"],
    ["Action=DescribeVpcEndpointServicePermissions&Version=2016-11-15", 400, "MissingParameter"],
    ["Action=DescribeVpcEndpointServices&Version=2016-11-15&Colour=red", 400, "UnknownParameter"],
    ["Action=DescribeVpcEndpointServices&Version=2016-11-15&MaxResults=2", 400, "InvalidParameterValue"],
    ["Action=DescribeVpcEndpointServices&Version=2016-11-15&DryRun=true", 412, "DryRunOperation"],
    [`Action=DescribeVpcEndpointServices&Version=2016-11-15&X=${"a".repeat(70_000)}`, 400, "InvalidParameterValue"],
  ])("%s → %i %s, as EC2's XML error", async (body, status, code) => {
    const r = await post(body);
    expect(r.status).toBe(status);
    expect(r.type).toMatch(/^text\/xml/);
    expect(r.text).toMatch(new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<Response><Errors><Error><Code>${code.replace(".", "\\.")}</Code><Message>[^<]+</Message></Error></Errors><RequestID>[0-9a-f-]{36}</RequestID></Response>$`));
  });

  it("answers with EC2's namespace and a requestId", async () => {
    const r = await post(`Action=DescribeVpcEndpointServiceConfigurations&Version=2016-11-15&ServiceId.1=${id(1)}`);
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<DescribeVpcEndpointServiceConfigurationsResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15\/"><requestId>[0-9a-f-]{36}<\/requestId><serviceConfigurationSet><item>/);
    expect(r.text).not.toContain("nextToken");
  });
});

describe("the AWS CLI", () => {
  it("describe-vpc-endpoint-service-configurations, -permissions and describe-vpc-endpoint-services read the answers", async () => {
    const conf = await awsCli(kms, ["ec2", "describe-vpc-endpoint-service-configurations", "--service-ids", id(1)]);
    expect(conf.code, conf.stderr).toBe(0);
    const c = (JSON.parse(conf.stdout) as { ServiceConfigurations: Record<string, unknown>[] }).ServiceConfigurations;
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ ServiceId: id(1), ServiceState: "Available", AcceptanceRequired: false, PrivateDnsName: "localhost", PrivateDnsNameConfiguration: { State: "verified" }, AvailabilityZones: ["us-east-1a", "us-east-1b"] });
    const perms = await awsCli(kms, ["ec2", "describe-vpc-endpoint-service-permissions", "--service-id", id(1)]);
    expect(perms.code, perms.stderr).toBe(0);
    expect(JSON.parse(perms.stdout)).toMatchObject({ AllowedPrincipals: [{ Principal: "cks.kms.us-east-1.amazonaws.com", PrincipalType: "Service" }] });
    const consumer = await awsCli(kms, ["ec2", "describe-vpc-endpoint-services", "--service-names", serviceName(3)]);
    expect(consumer.code, consumer.stderr).toBe(0);
    expect(JSON.parse(consumer.stdout)).toMatchObject({ ServiceNames: [serviceName(3)], ServiceDetails: [{ Owner: OTHER, PrivateDnsNameVerificationState: "verified" }] });
  });

  it("shows EC2's error code and fails for an unknown service id", async () => {
    const r = await awsCli(kms, ["ec2", "describe-vpc-endpoint-service-configurations", "--service-ids", "vpce-svc-0000000000000dead"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("InvalidVpcEndpointServiceId.NotFound");
  });
});

describe("declarations", () => {
  it("the default declares one verified service KMS accepts, leading to the given proxy", () => {
    const [s] = parseEndpointServices(defaultEndpointServices("https://127.0.0.1:8443/kms/xks/v1"));
    expect(s).toMatchObject({ serviceName: DEFAULT_ENDPOINT_SERVICE_NAME, owner: "000000000000", region: "us-east-1", state: "Available", acceptanceRequired: false, loadBalancer: "network", privateDnsName: "localhost", privateDnsVerificationState: "verified", allowedPrincipals: ["cks.kms.us-east-1.amazonaws.com"], target: "https://127.0.0.1:8443" });
  });

  it.each([
    [{ serviceName: "my-service", target: TARGET }, /serviceName/],
    [{ serviceName: serviceName(1), target: "http://127.0.0.1:9" }, /target/],
    [{ serviceName: serviceName(1), target: TARGET, owner: "12345" }, /owner.*12 digits/],
    [{ serviceName: serviceName(1), target: TARGET, region: "eu-west-1" }, /region eu-west-1 differs/],
    [{ serviceName: serviceName(1), target: TARGET, colour: "red" }, /colour/],
  ])("refuses a bad declaration, naming the field (%#)", (d, message) => {
    expect(() => parseEndpointServices({ endpointServices: [d] })).toThrow(message);
  });

  it("refuses a service declared twice", () => {
    expect(() => parseEndpointServices({ endpointServices: [service(1, TARGET), service(1, TARGET)] })).toThrow(/declared twice/);
  });
});
