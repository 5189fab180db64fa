import { describe, expect, it } from "vitest";
import { checkKmsField } from "./kms-rules.js";
import { checkVpcEndpointService, endpointHost, vpcServiceRequirements, type EndpointServiceFacts, type VpcStoreSettings } from "./vpc-endpoint-service.js";

const NAME = "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f67890";
const good: EndpointServiceFacts = {
  serviceName: NAME,
  owner: "000000000000",
  region: "us-east-1",
  state: "Available",
  acceptanceRequired: false,
  allowedPrincipals: ["cks.kms.us-east-1.amazonaws.com"],
  loadBalancer: "network",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  ipAddressTypes: ["ipv4"],
  privateDnsName: "xks.example.com",
  privateDnsVerificationState: "verified",
};
const store: VpcStoreSettings = { serviceName: NAME, owner: "000000000000", region: "us-east-1", uriEndpoint: "https://xks.example.com" };
const NF = "XksProxyVpcEndpointServiceNotFoundException";
const IC = "XksProxyVpcEndpointServiceInvalidConfigurationException";

describe("checkVpcEndpointService", () => {
  it("accepts a service that meets every requirement", () => {
    expect(checkVpcEndpointService(good, store)).toEqual([]);
    expect(checkVpcEndpointService({ ...good, privateDnsName: "XKS.example.com" }, { ...store, uriEndpoint: "https://xks.example.com:8443" })).toEqual([]);
  });

  it.each<[string, Partial<EndpointServiceFacts> | undefined, Partial<VpcStoreSettings>, string, string]>([
    ["missing", undefined, {}, "exists", NF],
    ["in another region", { region: "eu-west-1" }, {}, "exists", NF],
    ["of another owner", { owner: "111122223333" }, {}, "owner", NF],
    ["not Available", { state: "Pending" }, {}, "available", NF],
    ["without the KMS principal", { allowedPrincipals: ["cks.kms.eu-west-1.amazonaws.com"] }, {}, "kms-principal-allowed", IC],
    ["requiring acceptance", { acceptanceRequired: true }, {}, "acceptance-not-required", IC],
    ["behind a Gateway Load Balancer", { loadBalancer: "gateway" }, {}, "network-load-balancer", IC],
    ["in one Availability Zone", { availabilityZones: ["us-east-1a", "us-east-1a"] }, {}, "two-availability-zones", IC],
    ["IPv6 only", { ipAddressTypes: ["ipv6"] }, {}, "ipv4", IC],
    ["without a private DNS name", { privateDnsName: undefined }, {}, "private-dns-name", IC],
    ["with a private DNS name other than the endpoint's host", {}, { uriEndpoint: "https://other.example.com" }, "private-dns-name", IC],
    ["with an unverified private DNS name", { privateDnsVerificationState: "pendingVerification" }, {}, "private-dns-verified", IC],
  ])("a service %s is %s", (_what, change, settings, rule, exception) => {
    const facts = change === undefined ? undefined : { ...good, ...change };
    const findings = checkVpcEndpointService(facts, { ...store, ...settings });
    expect(findings.map((f) => [f.rule, f.exception])).toEqual([[rule, exception]]);
    expect(findings[0]!.connectionErrorCode).toBe(exception === NF ? "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND" : "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
  });

  it("reports a service KMS cannot find alone, and every configuration problem otherwise", () => {
    expect(checkVpcEndpointService({ ...good, state: "Failed", acceptanceRequired: true }, store).map((f) => f.rule)).toEqual(["available"]);
    expect(checkVpcEndpointService({ ...good, acceptanceRequired: true, ipAddressTypes: [] }, store).map((f) => f.rule)).toEqual(["acceptance-not-required", "ipv4"]);
  });

  it("reads the host of an endpoint", () => {
    expect(endpointHost("https://Localhost:4443")).toBe("localhost");
    expect(endpointHost("http://localhost")).toBeUndefined();
  });
});

describe("XksProxyVpcEndpointServiceOwner (AccountIdType)", () => {
  it.each(["000000000000", "111122223333"])("accepts %s", (v) => expect(checkKmsField("XksProxyVpcEndpointServiceOwner", v)).toBeUndefined());
  it.each(["12345678901", "1234567890123", "11112222333a", "١١١١٢٢٢٢٣٣٣٣"])("refuses %s", (v) => expect(checkKmsField("XksProxyVpcEndpointServiceOwner", v)).toBeDefined());
});

describe("vpcServiceRequirements", () => {
  it("lists every rule checkVpcEndpointService can break, exists first, with the outcome each leads to", () => {
    const reqs = vpcServiceRequirements(store);
    expect(reqs.map((r) => r.rule)).toEqual(["exists", "owner", "available", "kms-principal-allowed", "acceptance-not-required", "network-load-balancer", "two-availability-zones", "ipv4", "private-dns-name", "private-dns-verified"]);
    const broken = { ...good, acceptanceRequired: true, loadBalancer: "gateway" as const, ipAddressTypes: [] };
    for (const f of checkVpcEndpointService(broken, store)) expect(reqs.find((r) => r.rule === f.rule)).toMatchObject({ requirement: f.requirement, outcome: { exception: f.exception } });
    expect(checkVpcEndpointService(undefined, store)[0]!.requirement).toBe(reqs[0]!.requirement);
  });
});
