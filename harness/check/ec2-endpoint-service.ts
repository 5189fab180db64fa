/**
 * @module harness/check/ec2-endpoint-service
 * Reads a VPC endpoint service through the EC2 API (@aws-sdk/client-ec2: standard credential chain, --profile,
 * --region, --ec2-endpoint) and turns the answers into the facts src/xks/vpc-endpoint-service.ts judges. No rule
 * lives here. As the owner: DescribeVpcEndpointServiceConfigurations + DescribeVpcEndpointServicePermissions; with
 * an owner account named: DescribeVpcEndpointServices (what a consumer sees) first, then the owner's calls, which
 * answer only when this account owns the service. A denied call or missing credentials is an answer too.
 */
import {
  DescribeVpcEndpointServiceConfigurationsCommand,
  DescribeVpcEndpointServicePermissionsCommand,
  DescribeVpcEndpointServicesCommand,
  EC2Client,
  type ServiceConfiguration,
  type ServiceDetail,
} from "@aws-sdk/client-ec2";
import { z } from "zod";
import { DNS_NAME_STATES, ENDPOINT_SERVICE_STATES, IP_ADDRESS_TYPES, LOAD_BALANCER_TYPES, kmsServicePrincipal, type EndpointServiceFacts } from "../../src/xks/vpc-endpoint-service.js";
import { awsClientConfig } from "../common/aws-credentials.js";
import { describeIssues } from "../../src/xks/schemas.js";
import { awsCallFailure } from "../common/aws-call-error.js";

export const EC2_PERMISSIONS = {
  configurations: "ec2:DescribeVpcEndpointServiceConfigurations",
  permissions: "ec2:DescribeVpcEndpointServicePermissions",
  services: "ec2:DescribeVpcEndpointServices",
} as const;

export interface Ec2ReadOptions {
  region: string;
  serviceName: string;
  /** --vpc-endpoint-service-owner: read as a consumer first. */
  owner?: string | undefined;
  endpoint?: string | undefined;
  profile?: string | undefined;
  /** Bound on each EC2 call, the whole answer included. */
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
}

/** Why the service could not be read; `permissions` are the IAM actions that would have answered. */
export interface Ec2Unreadable {
  kind: "denied" | "no-credentials" | "error";
  permissions: string[];
  message: string;
}

export interface Ec2Reading {
  /** Undefined: EC2 shows no such service to this account. */
  facts?: EndpointServiceFacts | undefined;
  /** The calls that answered, in order. */
  calls: string[];
  /** What this account could not see (a consumer sees neither state nor principals), with why. */
  unverified: { rule: "available" | "kms-principal-allowed"; why: string }[];
}

/** The caller's own account in the facts when no owner is named: the owner's calls list only the caller's services. */
export const CALLER_ACCOUNT = "this account";

const Facts = z.object({
  state: z.enum(ENDPOINT_SERVICE_STATES),
  acceptanceRequired: z.boolean(),
  loadBalancer: z.enum(LOAD_BALANCER_TYPES),
  availabilityZones: z.array(z.string()),
  ipAddressTypes: z.array(z.enum(IP_ADDRESS_TYPES)),
  privateDnsVerificationState: z.enum(DNS_NAME_STATES).optional(),
});

class Unreadable extends Error {
  constructor(readonly detail: Ec2Unreadable) {
    super(detail.message);
  }
}

function classify(err: unknown, permission: string, o: Pick<Ec2ReadOptions, "region" | "endpoint" | "timeoutMs">): Ec2Unreadable {
  const timeoutMs = o.timeoutMs;
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? "Error";
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(e.message ?? "")) {
    return { kind: "no-credentials", permissions: [permission], message: "no AWS credentials were found (`aws configure`, AWS_PROFILE or --profile give them)" };
  }
  if (["UnauthorizedOperation", "AccessDenied", "AccessDeniedException"].includes(name) || e.$metadata?.httpStatusCode === 403) {
    return { kind: "denied", permissions: [permission], message: `${name}: the credentials lack ${permission}` };
  }
  if (["AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException"].includes(name)) {
    return { kind: "no-credentials", permissions: [permission], message: `${name}: EC2 does not accept these credentials` };
  }
  if (name === "AbortError" || name === "TimeoutError") return { kind: "error", permissions: [permission], message: `EC2 did not answer ${permission.slice(4)} within ${timeoutMs} ms` };
  const why = awsCallFailure(err, { service: "EC2", flag: "--ec2-endpoint", endpoint: o.endpoint, region: o.region, timeoutMs });
  return { kind: "error", permissions: [permission], message: `${permission.slice(4)} failed: ${why}` };
}

function createEc2Client(o: Pick<Ec2ReadOptions, "region" | "endpoint" | "profile" | "env">): EC2Client {
  return new EC2Client(awsClientConfig(o, o.env));
}

const loadBalancerOf = (types: readonly { ServiceType?: string | undefined }[] | undefined, gatewayArns: readonly string[] | undefined) =>
  (types ?? []).some((t) => t.ServiceType === "GatewayLoadBalancer") || (gatewayArns ?? []).length > 0 ? "gateway" : "network";

/** Services made before dual-stack endpoint services carry no IP address types: IPv4 was the only kind. */
const ipTypesOf = (types: readonly string[] | undefined) => (types?.length ? types : ["ipv4"]);

function parseFacts(raw: Record<string, unknown>, base: Pick<EndpointServiceFacts, "serviceName" | "owner" | "region" | "allowedPrincipals" | "privateDnsName">): EndpointServiceFacts {
  const r = Facts.safeParse(raw);
  if (!r.success) {
    const fields = describeIssues(r.error);
    throw new Unreadable({ kind: "error", permissions: [], message: `EC2's answer has values this harness does not know (${fields})` });
  }
  return { ...base, ...r.data };
}

/**
 * The service's facts as EC2 shows them to this account. Throws Unreadable (caught by readEndpointService) when a
 * call the reading needs is denied, has no credentials, or fails.
 */
async function read(client: EC2Client, o: Ec2ReadOptions, calls: string[]): Promise<Ec2Reading> {
  const send = async <T>(permission: string, run: (abortSignal: AbortSignal) => Promise<T>): Promise<T> => {
    // A whole-call deadline: the SDK's retries and a server that drips its answer are both inside it.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), o.timeoutMs);
    try {
      const out = await run(abort.signal);
      calls.push(permission.slice(4));
      return out;
    } catch (err) {
      throw new Unreadable(classify(abort.signal.aborted ? { name: "AbortError" } : err, permission, o));
    } finally {
      clearTimeout(timer);
    }
  };
  const byName = [{ Name: "service-name", Values: [o.serviceName] }];
  const ownerView = (abortSignal: AbortSignal) =>
    client.send(new DescribeVpcEndpointServiceConfigurationsCommand({ Filters: byName }), { abortSignal }).then((r) => r.ServiceConfigurations?.find((c) => c.ServiceName === o.serviceName));
  const principals = async (service: ServiceConfiguration) => {
    const found: string[] = [];
    let token: string | undefined;
    // Bounded: 20 pages of 1000 principals.
    for (let page = 0; page < 20; page += 1) {
      const r = await send(EC2_PERMISSIONS.permissions, (abortSignal) =>
        client.send(new DescribeVpcEndpointServicePermissionsCommand({ ServiceId: service.ServiceId, MaxResults: 1000, ...(token ? { NextToken: token } : {}) }), { abortSignal }),
      );
      found.push(...(r.AllowedPrincipals ?? []).flatMap((p) => (p.Principal ? [p.Principal] : [])));
      token = r.NextToken;
      if (!token) break;
    }
    return found;
  };
  const fromConfiguration = async (c: ServiceConfiguration, owner: string) =>
    parseFacts(
      {
        state: c.ServiceState,
        acceptanceRequired: c.AcceptanceRequired,
        loadBalancer: loadBalancerOf(c.ServiceType, c.GatewayLoadBalancerArns),
        availabilityZones: c.AvailabilityZones ?? [],
        ipAddressTypes: ipTypesOf(c.SupportedIpAddressTypes),
        privateDnsVerificationState: c.PrivateDnsNameConfiguration?.State,
      },
      { serviceName: o.serviceName, owner, region: o.region, allowedPrincipals: await principals(c), privateDnsName: c.PrivateDnsName },
    );

  if (o.owner === undefined) {
    const c = await send(EC2_PERMISSIONS.configurations, ownerView);
    return { facts: c ? await fromConfiguration(c, CALLER_ACCOUNT) : undefined, calls, unverified: [] };
  }
  const detail = await send(EC2_PERMISSIONS.services, (abortSignal) =>
    client
      .send(new DescribeVpcEndpointServicesCommand({ ServiceNames: [o.serviceName] }), { abortSignal })
      .then((r): ServiceDetail | undefined => r.ServiceDetails?.find((d) => d.ServiceName === o.serviceName))
      .catch((err: { name?: string }) => {
        if (err.name === "InvalidServiceName") return undefined;
        throw err;
      }),
  );
  if (!detail) return { facts: undefined, calls, unverified: [] };
  const owner = detail.Owner ?? "(not shown)";
  // The owner's view adds what a consumer cannot see (state, principals); it answers only in the owning account.
  let own: ServiceConfiguration | undefined;
  let why = `only the owner (account ${owner}) sees it: run check there without --vpc-endpoint-service-owner`;
  try {
    own = await send(EC2_PERMISSIONS.configurations, ownerView);
  } catch (err) {
    if (!(err instanceof Unreadable)) throw err;
    why = `${err.detail.message}; ${why}`;
  }
  if (own) return { facts: await fromConfiguration(own, owner), calls, unverified: [] };
  const facts = parseFacts(
    {
      // Not visible to a consumer: reported as unverified, so these values only keep the two rules quiet.
      state: "Available",
      acceptanceRequired: detail.AcceptanceRequired,
      loadBalancer: loadBalancerOf(detail.ServiceType, undefined),
      availabilityZones: detail.AvailabilityZones ?? [],
      ipAddressTypes: ipTypesOf(detail.SupportedIpAddressTypes),
      privateDnsVerificationState: detail.PrivateDnsNameVerificationState,
    },
    { serviceName: o.serviceName, owner, region: detail.ServiceRegion ?? o.region, allowedPrincipals: [kmsServicePrincipal(o.region)], privateDnsName: detail.PrivateDnsName },
  );
  return { facts, calls, unverified: [{ rule: "available", why }, { rule: "kms-principal-allowed", why }] };
}

/** The reading, or why there is none; never throws for what EC2 or the credential chain did. */
export async function readEndpointService(o: Ec2ReadOptions): Promise<{ reading: Ec2Reading } | { unreadable: Ec2Unreadable; calls: string[] }> {
  const client = createEc2Client(o);
  const calls: string[] = [];
  try {
    return { reading: await read(client, o, calls) };
  } catch (err) {
    if (err instanceof Unreadable) return { unreadable: err.detail, calls };
    const why = awsCallFailure(err, { service: "EC2", flag: "--ec2-endpoint", endpoint: o.endpoint, region: o.region, timeoutMs: o.timeoutMs });
    return { unreadable: { kind: "error", permissions: [], message: `reading the service failed: ${why}` }, calls };
  } finally {
    client.destroy();
  }
}
