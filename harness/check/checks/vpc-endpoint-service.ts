/**
 * @module harness/check/checks/vpc-endpoint-service
 * For VPC_ENDPOINT_SERVICE connectivity: what KMS requires of the endpoint service (src/xks/vpc-endpoint-service.ts),
 * proven from EC2's answers, one line per requirement with the fact found and the fix; in `update`, also that no
 * other store of the region uses the service. EC2 access denied or no credentials is a warning naming the
 * permission, never a pass.
 */
import { checkVpcEndpointService, VPC_SERVICE_IN_USE_EXCEPTION, vpcServiceRequirements, type EndpointServiceFacts, type VpcServiceFinding } from "../../../src/xks/vpc-endpoint-service.js";
import { endpointHost, kmsServicePrincipal } from "../../../src/xks/vpc-endpoint-service.js";
import type { CheckContext } from "../context.js";
import { CALLER_ACCOUNT, EC2_PERMISSIONS, readEndpointService, type Ec2Reading } from "../ec2-endpoint-service.js";
import { CHECK_TITLES, type CheckOptions, type CheckResult } from "../types.js";

const list = (xs: readonly string[]) => (xs.length ? xs.join(", ") : "none");

/** The fact behind each rule, for the lines whose rule holds. */
function factOf(rule: string, f: EndpointServiceFacts, calls: string[]): string {
  switch (rule) {
    case "exists":
      return `found by ${calls.join(" + ")}`;
    case "owner":
      return f.owner === CALLER_ACCOUNT ? "DescribeVpcEndpointServiceConfigurations lists only the caller's services" : `owned by account ${f.owner}`;
    case "available":
      return `state ${f.state}`;
    case "kms-principal-allowed":
      return `allowed principals: ${list(f.allowedPrincipals)}`;
    case "acceptance-not-required":
      return "acceptance required is false";
    case "network-load-balancer":
      return "backed by a Network Load Balancer (interface endpoint service)";
    case "two-availability-zones":
      return `Availability Zones: ${list(f.availabilityZones)}`;
    case "ipv4":
      return `IP address types: ${list(f.ipAddressTypes)}`;
    case "private-dns-name":
      return `private DNS name ${f.privateDnsName}`;
    case "private-dns-verified":
      return `verification state ${f.privateDnsVerificationState}`;
    default:
      return "holds";
  }
}

/** How to make each rule hold, as commands where one exists. */
function fixOf(rule: string, o: CheckOptions): string {
  const name = o.vpcEndpointServiceName!;
  const id = name.slice(name.lastIndexOf(".") + 1);
  const host = endpointHost(o.settings.endpoint) ?? "<endpoint host>";
  const cli = (args: string) => `aws ec2 ${args} --service-id ${id} --region ${o.region}`;
  switch (rule) {
    case "exists":
      return `create the endpoint service in ${o.region} (aws ec2 create-vpc-endpoint-service-configuration), or correct --vpc-endpoint-service-name / --region`;
    case "owner":
      return "give --vpc-endpoint-service-owner <the 12-digit owner account> (omit it when this account owns the service)";
    case "available":
      return "wait until the service is Available, or recreate it";
    case "kms-principal-allowed":
      return cli(`modify-vpc-endpoint-service-permissions --add-allowed-principals ${kmsServicePrincipal(o.region)}`);
    case "acceptance-not-required":
      return cli("modify-vpc-endpoint-service-configuration --no-acceptance-required");
    case "network-load-balancer":
      return "create an interface endpoint service on a Network Load Balancer (a Gateway Load Balancer's cannot carry HTTPS to the proxy)";
    case "two-availability-zones":
      return "put the Network Load Balancer in subnets of at least two Availability Zones (aws elbv2 set-subnets)";
    case "ipv4":
      return cli("modify-vpc-endpoint-service-configuration --add-supported-ip-address-types ipv4");
    case "private-dns-name":
      return `${cli(`modify-vpc-endpoint-service-configuration --private-dns-name ${host}`)}, or give the service's private DNS name as the endpoint's host`;
    case "private-dns-verified":
      return `publish the TXT record in PrivateDnsNameConfiguration (aws ec2 describe-vpc-endpoint-service-configurations), then ${cli("start-vpc-endpoint-service-private-dns-verification")}`;
    default:
      return "";
  }
}

const outcomeText = (f: Pick<VpcServiceFinding, "exception" | "connectionErrorCode">) => `${f.exception} / ${f.connectionErrorCode}`;

export async function vpcEndpointServiceCheck(ctx: CheckContext): Promise<CheckResult> {
  const start = performance.now();
  const o = ctx.options;
  const base = { id: "vpc-endpoint-service" as const, title: CHECK_TITLES["vpc-endpoint-service"] };
  const done = (r: Omit<CheckResult, "id" | "title" | "ms">): CheckResult => ({ ...base, ms: performance.now() - start, ...r });
  const serviceName = o.vpcEndpointServiceName!;
  const settings = { serviceName, owner: o.vpcEndpointServiceOwner ?? CALLER_ACCOUNT, region: o.region, uriEndpoint: o.settings.endpoint };
  const env = o.ec2?.env ?? process.env;
  const read = await readEndpointService({ region: o.region, serviceName, owner: o.vpcEndpointServiceOwner, endpoint: o.ec2?.endpoint, profile: o.ec2?.profile, timeoutMs: o.timeoutMs, env });

  if ("unreadable" in read) {
    const u = read.unreadable;
    const needed = o.vpcEndpointServiceOwner ? [EC2_PERMISSIONS.services] : [EC2_PERMISSIONS.configurations, EC2_PERMISSIONS.permissions];
    const where = `${o.ec2?.endpoint ?? "EC2"} in ${o.region}${o.ec2?.profile ? ` with profile ${o.ec2.profile}` : ""}`;
    const detail =
      u.kind === "denied"
        ? `NOT VERIFIED: EC2 denied ${u.permissions.join(", ")} (${u.message}); nothing about ${serviceName} was proven`
        : u.kind === "no-credentials"
          ? `NOT VERIFIED: ${u.message}; reading ${serviceName} needs credentials allowed ${needed.join(" and ")}`
          : `NOT VERIFIED: ${u.message}; nothing about ${serviceName} was proven`;
    const fix =
      u.kind === "denied"
        ? `allow ${u.permissions.join(", ")} for these credentials (the check needs ${needed.join(" and ")})`
        : u.kind === "no-credentials"
          ? `give credentials (environment, --profile, or an instance role) allowed ${needed.join(" and ")}`
          : `make ${where} reachable (--ec2-endpoint for a local one), then run the check again`;
    return done({ status: "warn", detail, fix, data: { unreadable: u, calls: read.calls } });
  }

  const r: Ec2Reading = read.reading;
  const findings = checkVpcEndpointService(r.facts, settings);
  const lines: string[] = [];
  const fixes: string[] = [];
  const fail = (requirement: string, found: string, outcome: string, fix: string) => {
    lines.push(`FAIL ${requirement}: ${found} → ${outcome}. Fix: ${fix}`);
    fixes.push(fix);
  };
  for (const req of vpcServiceRequirements(settings)) {
    const broken = findings.find((f) => f.rule === req.rule);
    const unverified = r.unverified.find((u) => u.rule === req.rule);
    if (broken) fail(req.requirement, broken.found, outcomeText(broken), fixOf(req.rule, o));
    else if (!r.facts) continue;
    else if (unverified) lines.push(`?    ${req.requirement}: not visible to this account: ${unverified.why}`);
    else if (findings.length && findings[0]!.exception === "XksProxyVpcEndpointServiceNotFoundException") continue;
    else lines.push(`ok   ${req.rule === "owner" && !o.vpcEndpointServiceOwner ? "owned by this account (no XksProxyVpcEndpointServiceOwner given)" : req.requirement}: ${factOf(req.rule, r.facts, r.calls)}`);
  }
  if (r.facts && findings[0]?.exception === "XksProxyVpcEndpointServiceNotFoundException") lines.push("     (its configuration is not judged: KMS cannot find the service)");
  const users = o.vpcServiceUsers;
  if (users?.length) {
    fail(`no other external key store of ${o.region} uses ${serviceName}`, `used by ${users.map((u) => `${u.id} (${u.name})`).join(", ")}`, VPC_SERVICE_IN_USE_EXCEPTION, "give this store its own endpoint service, or delete the store that uses it");
  } else if (users) {
    lines.push(`ok   no other external key store of ${o.region} uses ${serviceName}: none of the region's stores does (DescribeCustomKeyStores)`);
  } else {
    lines.push("     (not checked here: whether another store of the region uses the service; `update` checks it with DescribeCustomKeyStores)");
  }
  const first = findings[0];
  const kmsOutcome = first
    ? { exception: first.exception, connectionErrorCode: first.connectionErrorCode }
    : users?.length
      ? { exception: VPC_SERVICE_IN_USE_EXCEPTION, connectionErrorCode: null }
      : undefined;
  const data = { calls: r.calls, facts: r.facts ?? null, findings, unverified: r.unverified, usedBy: users ?? null };
  if (kmsOutcome) return done({ status: "fail", detail: lines.join("\n"), fix: fixes.join("; "), kmsOutcome, data });
  if (r.unverified.length) {
    return done({ status: "warn", detail: lines.join("\n"), fix: `the owner account proves state and allowed principals: run this check there without --vpc-endpoint-service-owner (needs ${EC2_PERMISSIONS.configurations}, ${EC2_PERMISSIONS.permissions})`, data });
  }
  return done({ status: "pass", detail: lines.join("\n"), data });
}
