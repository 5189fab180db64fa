/**
 * @module ec2/actions
 * The EC2 calls that describe VPC endpoint services, answered from the declared services: the owner's view
 * (DescribeVpcEndpointServiceConfigurations, DescribeVpcEndpointServicePermissions) and a consumer's view
 * (DescribeVpcEndpointServices). The caller is the local account.
 */
import { LOCAL_ACCOUNT_ID } from "../local-account.js";
import { derivedHex, type EndpointService } from "./endpoint-services.js";
import { applyFilters, assertKnownParams, checkMaxResults, Ec2Error, filtersOf, listParam, type QueryParams } from "./query-params.js";
import { el, itemSet, type Node } from "./xml.js";

export interface Ec2Caller {
  region: string;
  /** @default the local account */
  account?: string;
}

type Action = (params: QueryParams, services: readonly EndpointService[], caller: Required<Ec2Caller>) => Node[];

const serviceType = (s: EndpointService) => (s.loadBalancer === "network" ? "Interface" : "GatewayLoadBalancer");
const baseDnsName = (s: EndpointService) => `${s.serviceId}.${s.region}.vpce.amazonaws.com`;
const loadBalancerArn = (s: EndpointService) =>
  `arn:aws:elasticloadbalancing:${s.region}:${s.owner}:loadbalancer/${s.loadBalancer === "network" ? "net" : "gwy"}/xks-${s.serviceId.slice(-8)}/${derivedHex(s, "lb", 16)}`;

/** EC2's PrincipalType for a principal string. */
function principalType(p: string): string {
  if (p === "*") return "All";
  if (/^arn:aws[a-z-]*:iam::\d{12}:root$/.test(p)) return "Account";
  if (/^arn:aws[a-z-]*:iam::\d{12}:role\//.test(p)) return "Role";
  if (/^arn:aws[a-z-]*:iam::\d{12}:user\//.test(p)) return "User";
  if (p.endsWith(".amazonaws.com")) return "Service";
  return "OrganizationUnit";
}

/** The fields both views share, in EC2's order. */
const common = (s: EndpointService) => ({
  serviceType: itemSet("serviceType", [serviceType(s)], (t) => el("serviceType", t)),
  availabilityZones: itemSet("availabilityZoneSet", s.availabilityZones, (z) => z),
  baseDnsNames: itemSet("baseEndpointDnsNameSet", [baseDnsName(s)], (n) => n),
  ipTypes: itemSet("supportedIpAddressTypeSet", s.ipAddressTypes, (t) => t),
});

function configuration(s: EndpointService): Node {
  const c = common(s);
  return [
    c.serviceType,
    el("serviceId", s.serviceId),
    el("serviceName", s.serviceName),
    el("serviceState", s.state),
    c.availabilityZones,
    el("acceptanceRequired", s.acceptanceRequired),
    el("managesVpcEndpoints", false),
    s.loadBalancer === "network" ? itemSet("networkLoadBalancerArnSet", [loadBalancerArn(s)], (a) => a) : undefined,
    s.loadBalancer === "gateway" ? itemSet("gatewayLoadBalancerArnSet", [loadBalancerArn(s)], (a) => a) : undefined,
    c.ipTypes,
    c.baseDnsNames,
    s.privateDnsName ? el("privateDnsName", s.privateDnsName) : undefined,
    s.privateDnsName
      ? el("privateDnsNameConfiguration", [el("state", s.privateDnsVerificationState), el("type", "TXT"), el("value", `vpce:${derivedHex(s, "verify", 20)}`), el("name", `_${derivedHex(s, "txt", 20)}`)])
      : undefined,
    el("payerResponsibility", "ServiceOwner"),
  ];
}

function detail(s: EndpointService): Node {
  const c = common(s);
  return [
    el("serviceName", s.serviceName),
    el("serviceId", s.serviceId),
    c.serviceType,
    el("serviceRegion", s.region),
    c.availabilityZones,
    el("owner", s.owner),
    c.baseDnsNames,
    s.privateDnsName ? el("privateDnsName", s.privateDnsName) : undefined,
    s.privateDnsName ? itemSet("privateDnsNameSet", [s.privateDnsName], (n) => el("privateDnsName", n)) : undefined,
    el("vpcEndpointPolicySupported", s.loadBalancer === "network"),
    el("acceptanceRequired", s.acceptanceRequired),
    el("managesVpcEndpoints", false),
    el("payerResponsibility", "ServiceOwner"),
    s.privateDnsName ? el("privateDnsNameVerificationState", s.privateDnsVerificationState) : undefined,
    c.ipTypes,
  ];
}

const SERVICE_ID = /^vpce-svc-[0-9a-z]{1,32}$/;

/** The caller's own services in the region, by ServiceId.N (each must exist). */
function ownedServices(services: readonly EndpointService[], caller: Required<Ec2Caller>, ids: readonly string[]): EndpointService[] {
  const owned = services.filter((s) => s.region === caller.region && s.owner === caller.account);
  for (const id of ids) {
    if (!SERVICE_ID.test(id)) throw new Ec2Error("InvalidVpcEndpointServiceId.Malformed", `The Vpc Endpoint Service Id '${id.slice(0, 64)}' is malformed`);
    if (!owned.some((s) => s.serviceId === id)) throw new Ec2Error("InvalidVpcEndpointServiceId.NotFound", `The Vpc Endpoint Service Id '${id}' does not exist`);
  }
  return ids.length ? owned.filter((s) => ids.includes(s.serviceId)) : owned;
}

const describeConfigurations: Action = (params, services, caller) => {
  assertKnownParams(params, [/^ServiceId\.\d{1,4}$/]);
  checkMaxResults(params, 5, 1000);
  const found = ownedServices(services, caller, listParam(params, "ServiceId"));
  const shown = applyFilters(found, filtersOf(params), {
    "service-name": (s) => [s.serviceName],
    "service-id": (s) => [s.serviceId],
    "service-state": (s) => [s.state],
    "supported-ip-address-types": (s) => s.ipAddressTypes,
  });
  return [itemSet("serviceConfigurationSet", shown, configuration) ?? el("serviceConfigurationSet", "")];
};

const describePermissions: Action = (params, services, caller) => {
  assertKnownParams(params, [/^ServiceId$/]);
  checkMaxResults(params, 5, 1000);
  const id = params.ServiceId;
  if (!id) throw new Ec2Error("MissingParameter", "The request must contain the parameter ServiceId");
  const [service] = ownedServices(services, caller, [id]);
  const principals = applyFilters(service!.allowedPrincipals, filtersOf(params), { principal: (p) => [p], "principal-type": (p) => [principalType(p)] });
  return [
    itemSet("allowedPrincipals", principals, (p) => [
      el("principalType", principalType(p)),
      el("principal", p),
      el("servicePermissionId", `vpce-svc-perm-${derivedHex(service!, `perm:${p}`)}`),
      el("serviceId", service!.serviceId),
    ]) ?? el("allowedPrincipals", ""),
  ];
};

/** What a consumer sees: services of the region it owns or is allowed to connect to. */
const describeServices: Action = (params, services, caller) => {
  assertKnownParams(params, [/^ServiceName\.\d{1,4}$/, /^ServiceRegion\.\d{1,4}$/]);
  checkMaxResults(params, 5, 1000);
  const regions = listParam(params, "ServiceRegion");
  const inRegions = (s: EndpointService) => (regions.length ? regions.includes(s.region) : s.region === caller.region);
  const allowed = (s: EndpointService) => s.owner === caller.account || s.allowedPrincipals.some((p) => p === "*" || p === `arn:aws:iam::${caller.account}:root`);
  const visible = services.filter((s) => inRegions(s) && allowed(s));
  const names = listParam(params, "ServiceName");
  for (const n of names) if (!visible.some((s) => s.serviceName === n)) throw new Ec2Error("InvalidServiceName", `The Vpc Endpoint Service '${n.slice(0, 128)}' does not exist`);
  const shown = applyFilters(names.length ? visible.filter((s) => names.includes(s.serviceName)) : visible, filtersOf(params), {
    "service-name": (s) => [s.serviceName],
    "service-type": (s) => [serviceType(s)],
    owner: (s) => [s.owner],
    "service-region": (s) => [s.region],
    "supported-ip-address-types": (s) => s.ipAddressTypes,
  });
  return [itemSet("serviceNameSet", shown, (s) => s.serviceName) ?? el("serviceNameSet", ""), itemSet("serviceDetailSet", shown, detail) ?? el("serviceDetailSet", "")];
};

export const EC2_ACTIONS: Record<string, Action> = {
  DescribeVpcEndpointServiceConfigurations: describeConfigurations,
  DescribeVpcEndpointServicePermissions: describePermissions,
  DescribeVpcEndpointServices: describeServices,
};

/** The answer's body for `action`, or the EC2 error it raises. */
export function runEc2Action(action: string, params: QueryParams, services: readonly EndpointService[], caller: Ec2Caller): Node[] {
  const run = Object.hasOwn(EC2_ACTIONS, action) ? EC2_ACTIONS[action] : undefined;
  if (!run) throw new Ec2Error("InvalidAction", `The action ${action.slice(0, 64) || "(none)"} is not valid for this web service.`);
  if (params.DryRun === "true") {
    assertKnownParams(params, [/^ServiceId(\.\d{1,4})?$/, /^ServiceName\.\d{1,4}$/, /^ServiceRegion\.\d{1,4}$/]);
    throw new Ec2Error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
  }
  return run(params, services, { region: caller.region, account: caller.account ?? LOCAL_ACCOUNT_ID });
}
