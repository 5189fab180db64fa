/**
 * @module ec2/endpoint-services
 * The VPC endpoint services the local cloud knows: declared in the local config, schema-validated, with defaults
 * that make a service KMS accepts. The local EC2 endpoint describes them; the local KMS checks VPC stores against
 * them and reaches a connected store's proxy through the declared `target`.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { LOCAL_ACCOUNT_ID } from "../local-account.js";
import { checkKmsField, describeIssues, formatViolation, REGION_PATTERN } from "../xks/index.js";
import {
  DNS_NAME_STATES,
  ENDPOINT_SERVICE_STATES,
  IP_ADDRESS_TYPES,
  kmsServicePrincipal,
  LOAD_BALANCER_TYPES,
  type EndpointServiceFacts,
} from "../xks/index.js";

/** The region part of com.amazonaws.vpce.<region>.vpce-svc-<id>. */
function regionOfName(serviceName: string): string | undefined {
  return /^(?:com|eu)\.amazonaws\.vpce\.([a-z0-9-]+)\.vpce-svc-[0-9a-z]+$/.exec(serviceName)?.[1];
}

const ServiceName = z.string().superRefine((v, ctx) => {
  const bad = checkKmsField("XksProxyVpcEndpointServiceName", v, "serviceName");
  if (bad) ctx.addIssue({ code: "custom", message: formatViolation(bad) });
});
const AccountId = z.string().superRefine((v, ctx) => {
  const bad = checkKmsField("XksProxyVpcEndpointServiceOwner", v, "owner");
  if (bad) ctx.addIssue({ code: "custom", message: formatViolation(bad) });
});
const Target = z.url({ protocol: /^https$/, error: "target must be the proxy's https://host:port URL, e.g. https://127.0.0.1:8443" }).refine((u) => new URL(u).pathname === "/" && !new URL(u).search, {
  error: "target must be https://host:port only (no path: the store's XksProxyUriPath is used)",
});

const Declaration = z
  .strictObject({
    serviceName: ServiceName,
    /** @default the local account, 000000000000 */
    owner: AccountId.optional(),
    /** @default the region in serviceName */
    region: z.string().regex(REGION_PATTERN, "region must be an AWS region name, e.g. us-east-1").optional(),
    state: z.enum(ENDPOINT_SERVICE_STATES).default("Available"),
    acceptanceRequired: z.boolean().default(false),
    /** @default [cks.kms.<region>.amazonaws.com] */
    allowedPrincipals: z.array(z.string().min(1).max(1024)).max(100).optional(),
    loadBalancer: z.enum(LOAD_BALANCER_TYPES).default("network"),
    /** @default [<region>a, <region>b] */
    availabilityZones: z.array(z.string().min(1).max(64)).max(32).optional(),
    ipAddressTypes: z.array(z.enum(IP_ADDRESS_TYPES)).max(2).default(["ipv4"]),
    /** The name a store's XksProxyUriEndpoint uses (its host); leave it out to declare a service without one. */
    privateDnsName: z.string().regex(/^[a-zA-Z0-9.-]{1,253}$/, "privateDnsName must be a DNS name, e.g. localhost").optional(),
    privateDnsVerificationState: z.enum(DNS_NAME_STATES).default("verified"),
    /** Where the endpoint leads: the proxy's real https://host:port. */
    target: Target,
  })
  .transform((d, ctx) => {
    const region = d.region ?? regionOfName(d.serviceName) ?? "us-east-1";
    if (regionOfName(d.serviceName) !== region) ctx.addIssue({ code: "custom", path: ["region"], message: `region ${region} differs from the region in serviceName ${d.serviceName}` });
    return {
      ...d,
      region,
      owner: d.owner ?? LOCAL_ACCOUNT_ID,
      allowedPrincipals: d.allowedPrincipals ?? [kmsServicePrincipal(region)],
      availabilityZones: d.availabilityZones ?? [`${region}a`, `${region}b`],
    };
  });

export const EndpointServicesConfig = z.strictObject({ endpointServices: z.array(Declaration).max(100) }).superRefine((c, ctx) => {
  const seen = new Set<string>();
  c.endpointServices.forEach((s, i) => {
    if (seen.has(s.serviceName)) ctx.addIssue({ code: "custom", path: ["endpointServices", i, "serviceName"], message: `serviceName ${s.serviceName} is declared twice` });
    seen.add(s.serviceName);
  });
});
export type EndpointServicesConfigInput = z.input<typeof EndpointServicesConfig>;
export type EndpointServiceDeclarationInput = z.input<typeof Declaration>;

/** A declared service with every default applied. */
export interface EndpointService extends EndpointServiceFacts {
  /** vpce-svc-<id>, the last part of serviceName. */
  serviceId: string;
  /** https://host:port the endpoint leads to. */
  target: string;
}

/** Validates a declaration (from a config file or a caller); throws a message naming each bad field. */
export function parseEndpointServices(input: unknown): EndpointService[] {
  const r = EndpointServicesConfig.safeParse(input);
  if (!r.success) {
    throw new Error(`invalid endpoint services: ${describeIssues(r.error)}`);
  }
  return r.data.endpointServices.map((d) => ({ ...d, serviceId: d.serviceName.slice(d.serviceName.lastIndexOf(".") + 1) }));
}

/** The default service's name: a fixed id, so stores in a state file keep finding it across restarts. */
export const DEFAULT_ENDPOINT_SERVICE_NAME = "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f67890";
/**
 * The default service's private DNS name, so a VPC store's XksProxyUriEndpoint is https://localhost: the dev PKI's
 * server certificate names localhost, and the TLS server name is the endpoint's host, as with KMS.
 */
export const DEFAULT_PRIVATE_DNS_NAME = "localhost";

/** The default declaration: one verified service that KMS accepts, leading to the proxy at `proxyUrl`. */
export function defaultEndpointServices(proxyUrl: string): EndpointServicesConfigInput {
  const u = new URL(proxyUrl);
  return { endpointServices: [{ serviceName: DEFAULT_ENDPOINT_SERVICE_NAME, privateDnsName: DEFAULT_PRIVATE_DNS_NAME, target: `https://${u.host}` }] };
}

/** The service named `serviceName` in `region`, if declared. */
export function findEndpointService(services: readonly EndpointService[], serviceName: string, region: string): EndpointService | undefined {
  return services.find((s) => s.serviceName === serviceName && s.region === region);
}

/** A stable hex string derived from the service, for ids and ARNs EC2 would make up. */
export function derivedHex(service: EndpointService, purpose: string, length = 17): string {
  return createHash("sha256").update(`${purpose}:${service.serviceName}`).digest("hex").slice(0, length);
}
