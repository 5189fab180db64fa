/**
 * @module xks/vpc-endpoint-service
 * What KMS requires of the Amazon VPC endpoint service of an external key store with VPC_ENDPOINT_SERVICE
 * connectivity (KMS API reference: ConnectionErrorCodeType's XKS_VPC_ENDPOINT_SERVICE_* entries and the
 * XksProxyVpcEndpointService*Exception descriptions), as one set of rules over the facts EC2 reports. The local
 * KMS obeys these rules; the harness predicts with them. Pure: the caller gathers the facts.
 */
import { kmsClientSubject } from "./constants.js";

/** ServiceState values (EC2 API). */
export const ENDPOINT_SERVICE_STATES = ["Pending", "Available", "Deleting", "Deleted", "Failed"] as const;
/** DnsNameState values (EC2 API): the verification state of a private DNS name's domain. */
export const DNS_NAME_STATES = ["pendingVerification", "verified", "failed"] as const;
/** ServiceConnectivityType values (EC2 API). */
export const IP_ADDRESS_TYPES = ["ipv4", "ipv6"] as const;
export const LOAD_BALANCER_TYPES = ["network", "gateway"] as const;

/** The facts about one endpoint service that KMS's rules read (EC2 DescribeVpcEndpointService* answers). */
export interface EndpointServiceFacts {
  serviceName: string;
  /** The account that owns the service (12 digits). */
  owner: string;
  region: string;
  state: (typeof ENDPOINT_SERVICE_STATES)[number];
  acceptanceRequired: boolean;
  /** Principals allowed to connect (DescribeVpcEndpointServicePermissions). */
  allowedPrincipals: readonly string[];
  /** network: an interface endpoint service behind a Network Load Balancer; gateway: a Gateway Load Balancer's. */
  loadBalancer: (typeof LOAD_BALANCER_TYPES)[number];
  availabilityZones: readonly string[];
  ipAddressTypes: readonly (typeof IP_ADDRESS_TYPES)[number][];
  privateDnsName?: string | undefined;
  privateDnsVerificationState?: (typeof DNS_NAME_STATES)[number] | undefined;
}

/** What the store says about its service: CreateCustomKeyStore/UpdateCustomKeyStore fields and the store's region. */
export interface VpcStoreSettings {
  serviceName: string;
  /** XksProxyVpcEndpointServiceOwner; the caller's account when absent. */
  owner: string;
  region: string;
  /** XksProxyUriEndpoint (https://host[:port]); its host must be the service's private DNS name. */
  uriEndpoint: string;
}

export const VPC_SERVICE_NOT_FOUND = { exception: "XksProxyVpcEndpointServiceNotFoundException", connectionErrorCode: "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND" } as const;
export const VPC_SERVICE_INVALID = { exception: "XksProxyVpcEndpointServiceInvalidConfigurationException", connectionErrorCode: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION" } as const;
/** Each external key store of a region needs its own endpoint service (Create/Update only; there is no ConnectionErrorCode). */
export const VPC_SERVICE_IN_USE_EXCEPTION = "XksProxyVpcEndpointServiceInUseException";

export type VpcServiceOutcome = typeof VPC_SERVICE_NOT_FOUND | typeof VPC_SERVICE_INVALID;

export interface VpcServiceFinding {
  /** Short id of the rule, e.g. "acceptance-not-required". */
  rule: string;
  /** What KMS requires, in words. */
  requirement: string;
  /** What the facts show. */
  found: string;
  exception: VpcServiceOutcome["exception"];
  connectionErrorCode: VpcServiceOutcome["connectionErrorCode"];
}

/** The KMS service principal that must be allowed to connect is the subject KMS presents: cks.kms.<region>.amazonaws.com. */
export const kmsServicePrincipal = kmsClientSubject;

/** The host of an XksProxyUriEndpoint (https://host[:port]), lower case; undefined when it is not such a URL. */
export function endpointHost(uriEndpoint: string): string | undefined {
  const m = /^https:\/\/([a-zA-Z0-9.-]+)(:\d{1,5})?\/?$/.exec(uriEndpoint);
  return m?.[1]!.toLowerCase();
}

interface Rule {
  rule: string;
  requirement: (s: VpcStoreSettings) => string;
  outcome: VpcServiceOutcome;
  /** What is wrong, or undefined when the rule holds. */
  check: (f: EndpointServiceFacts, s: VpcStoreSettings) => string | undefined;
}

const list = (xs: readonly string[]) => (xs.length ? xs.join(", ") : "none");

/** In the order KMS's answer would name them: first whether the service can be found, then its configuration. */
const RULES: readonly Rule[] = [
  { rule: "owner", requirement: (s) => `owned by account ${s.owner} (XksProxyVpcEndpointServiceOwner, else the caller's account)`, outcome: VPC_SERVICE_NOT_FOUND, check: (f, s) => (f.owner === s.owner ? undefined : `owned by account ${f.owner}`) },
  { rule: "available", requirement: () => "in state Available", outcome: VPC_SERVICE_NOT_FOUND, check: (f) => (f.state === "Available" ? undefined : `in state ${f.state}`) },
  {
    rule: "kms-principal-allowed",
    requirement: (s) => `its allowed principals include ${kmsServicePrincipal(s.region)}`,
    outcome: VPC_SERVICE_INVALID,
    check: (f, s) => (f.allowedPrincipals.includes(kmsServicePrincipal(s.region)) ? undefined : `allowed principals: ${list(f.allowedPrincipals)}`),
  },
  { rule: "acceptance-not-required", requirement: () => "acceptance of endpoint connections is not required", outcome: VPC_SERVICE_INVALID, check: (f) => (f.acceptanceRequired ? "acceptance required is true" : undefined) },
  {
    rule: "network-load-balancer",
    requirement: () => "an interface endpoint service backed by a Network Load Balancer",
    outcome: VPC_SERVICE_INVALID,
    check: (f) => (f.loadBalancer === "network" ? undefined : "backed by a Gateway Load Balancer"),
  },
  {
    rule: "two-availability-zones",
    requirement: () => "in at least two Availability Zones",
    outcome: VPC_SERVICE_INVALID,
    check: (f) => (new Set(f.availabilityZones).size >= 2 ? undefined : `Availability Zones: ${list(f.availabilityZones)}`),
  },
  { rule: "ipv4", requirement: () => "supports IPv4", outcome: VPC_SERVICE_INVALID, check: (f) => (f.ipAddressTypes.includes("ipv4") ? undefined : `IP address types: ${list(f.ipAddressTypes)}`) },
  {
    rule: "private-dns-name",
    requirement: (s) => `its private DNS name is the host of XksProxyUriEndpoint (${endpointHost(s.uriEndpoint) ?? s.uriEndpoint})`,
    outcome: VPC_SERVICE_INVALID,
    check: (f, s) => {
      if (!f.privateDnsName) return "no private DNS name";
      return f.privateDnsName.toLowerCase() === endpointHost(s.uriEndpoint) ? undefined : `private DNS name ${f.privateDnsName}`;
    },
  },
  {
    rule: "private-dns-verified",
    requirement: () => "the domain of its private DNS name is verified",
    outcome: VPC_SERVICE_INVALID,
    check: (f) => (f.privateDnsVerificationState === "verified" ? undefined : `verification state ${f.privateDnsVerificationState ?? "(none)"}`),
  },
];

function finding(rule: string, requirement: string, found: string, outcome: VpcServiceOutcome): VpcServiceFinding {
  return { rule, requirement, found, ...outcome };
}

/**
 * Every rule the service breaks, for a store with `settings`; empty when KMS would accept it. `facts` is the
 * service of that name in the store's region (undefined when there is none). A service KMS cannot find
 * (missing, another owner, not Available) is reported alone: its configuration is not read.
 */
export function checkVpcEndpointService(facts: EndpointServiceFacts | undefined, settings: VpcStoreSettings): VpcServiceFinding[] {
  if (!facts || facts.serviceName !== settings.serviceName || facts.region !== settings.region) {
    return [finding("exists", vpcServiceRequirements(settings)[0]!.requirement, "no such service", VPC_SERVICE_NOT_FOUND)];
  }
  const broken = RULES.flatMap((r) => {
    const found = r.check(facts, settings);
    return found === undefined ? [] : [finding(r.rule, r.requirement(settings), found, r.outcome)];
  });
  const notFound = broken.filter((f) => f.exception === VPC_SERVICE_NOT_FOUND.exception);
  return notFound.length ? notFound : broken;
}

/** Every requirement, in the rules' order (the "exists" one first), so a report can show the ones that hold too. */
export function vpcServiceRequirements(settings: VpcStoreSettings): { rule: string; requirement: string; outcome: VpcServiceOutcome }[] {
  return [
    { rule: "exists", requirement: `a VPC endpoint service named ${settings.serviceName} in ${settings.region}`, outcome: VPC_SERVICE_NOT_FOUND },
    ...RULES.map((r) => ({ rule: r.rule, requirement: r.requirement(settings), outcome: r.outcome })),
  ];
}

/** A KMS-style message for the findings of one outcome. */
export function describeFindings(findings: readonly VpcServiceFinding[]): string {
  return findings.map((f) => `required: ${f.requirement}; found: ${f.found}`).join(". ");
}
