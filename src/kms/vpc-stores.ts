/**
 * @module kms/vpc-stores
 * What the local KMS does for stores with VPC_ENDPOINT_SERVICE connectivity, from the declared endpoint services
 * and the one set of rules in xks/vpc-endpoint-service: the exceptions Create/Update raise, the ConnectionErrorCode
 * a Connect ends with, and where a connected store's proxy calls go.
 */
import { findEndpointService, type EndpointService } from "../ec2/index.js";
import { checkVpcEndpointService, describeFindings, VPC_SERVICE_IN_USE_EXCEPTION, type VpcServiceFinding } from "../xks/index.js";
import { KmsError } from "./errors.js";
import { LOCAL_ACCOUNT_ID } from "../local-account.js";
import type { KmsState, XksProxySettings } from "./state.js";

/** The owner KMS looks the service up under: XksProxyVpcEndpointServiceOwner, else the caller's (local) account. */
export function serviceOwner(xks: XksProxySettings): string {
  return xks.vpcEndpointServiceOwner ?? LOCAL_ACCOUNT_ID;
}

/** The rules the store's service breaks (empty for a good service, and for a PUBLIC_ENDPOINT store). */
export function vpcFindings(services: readonly EndpointService[], xks: XksProxySettings, region: string): VpcServiceFinding[] {
  if (xks.connectivity !== "VPC_ENDPOINT_SERVICE" || !xks.vpcEndpointServiceName) return [];
  const service = findEndpointService(services, xks.vpcEndpointServiceName, region);
  return checkVpcEndpointService(service, { serviceName: xks.vpcEndpointServiceName, owner: serviceOwner(xks), region, uriEndpoint: xks.uriEndpoint });
}

/** CreateCustomKeyStore / UpdateCustomKeyStore: the exception of the first broken rule, with every rule of that kind. */
export function assertVpcServiceUsable(services: readonly EndpointService[], xks: XksProxySettings, region: string): void {
  const findings = vpcFindings(services, xks, region);
  if (!findings.length) return;
  const kind = findings[0]!.exception;
  const name = xks.vpcEndpointServiceName!;
  throw new KmsError(kind, `VPC endpoint service ${name} (owner ${serviceOwner(xks)}): ${describeFindings(findings.filter((f) => f.exception === kind))}`);
}

/** Each external key store of a region needs its own endpoint service. */
export function assertVpcServiceNotInUse(state: KmsState, region: string, candidate: { id?: string; xks: XksProxySettings }): void {
  const name = candidate.xks.connectivity === "VPC_ENDPOINT_SERVICE" ? candidate.xks.vpcEndpointServiceName : undefined;
  if (!name) return;
  const owner = serviceOwner(candidate.xks);
  const other = state.customKeyStores.find(
    (s) => s.region === region && s.id !== candidate.id && s.xks.connectivity === "VPC_ENDPOINT_SERVICE" && s.xks.vpcEndpointServiceName === name && serviceOwner(s.xks) === owner,
  );
  if (other) throw new KmsError(VPC_SERVICE_IN_USE_EXCEPTION, `The VPC endpoint service ${name} is already associated with another external key store (${other.id}) in this account and region`);
}

/** The ConnectionErrorCode a ConnectCustomKeyStore of this store ends with because of its service, if any. */
export function vpcConnectionErrorCode(services: readonly EndpointService[], xks: XksProxySettings, region: string): string | undefined {
  return vpcFindings(services, xks, region)[0]?.connectionErrorCode;
}

/** Where a VPC store's proxy calls go: the declared service's target (https://host:port); undefined for a public store. */
export function vpcTarget(services: readonly EndpointService[], xks: XksProxySettings, region: string): string | undefined {
  if (xks.connectivity !== "VPC_ENDPOINT_SERVICE" || !xks.vpcEndpointServiceName) return undefined;
  return findEndpointService(services, xks.vpcEndpointServiceName, region)?.target;
}
