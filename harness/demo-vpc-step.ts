/**
 * @module harness/demo-vpc-step
 * The demo's VPC step: `xks-harness check --connectivity VPC_ENDPOINT_SERVICE` reads the local KMS's EC2 endpoint
 * (--ec2-endpoint) for a service KMS accepts and for one that requires acceptance, and predicts what KMS would do.
 */
import { DEFAULT_ENDPOINT_SERVICE_NAME, DEFAULT_PRIVATE_DNS_NAME, type EndpointServicesConfigInput } from "../src/ec2/index.js";
import { toHuman } from "./check/report.js";
import { runCheck } from "./check/run-check.js";
import type { CheckOptions } from "./check/types.js";
import { painter } from "./report/style.js";

/** A service like the default one but requiring acceptance of endpoint connections: KMS refuses it. */
const ACCEPTANCE_SERVICE_NAME = "com.amazonaws.vpce.us-east-1.vpce-svc-0badacce97a9ce000";

/** The demo's endpoint services: the default one and a misconfigured one, both leading to the proxy at `proxyUrl`. */
export function demoEndpointServices(proxyUrl: string): EndpointServicesConfigInput {
  const target = `https://${new URL(proxyUrl).host}`;
  return {
    endpointServices: [
      { serviceName: DEFAULT_ENDPOINT_SERVICE_NAME, privateDnsName: DEFAULT_PRIVATE_DNS_NAME, target },
      { serviceName: ACCEPTANCE_SERVICE_NAME, privateDnsName: DEFAULT_PRIVATE_DNS_NAME, acceptanceRequired: true, target },
    ],
  };
}

export interface VpcStepInput {
  heading: (text: string) => void;
  out: (text: string) => void;
  expect: (ok: boolean, what: string) => void;
  /** A store's settings whose endpoint host is the services' private DNS name (https://localhost:<port>). */
  base: Omit<CheckOptions, "connectivity" | "vpcEndpointServiceName" | "ec2">;
  kmsUrl: string;
  caFile: string;
}

export async function vpcStep(s: VpcStepInput): Promise<void> {
  s.heading("8. VPC endpoint service: xks-harness check for a VPC_ENDPOINT_SERVICE store (EC2 read from the local KMS's endpoint)");
  const paint = painter(false);
  const run = async (serviceName: string) => {
    const options: CheckOptions = { ...s.base, connectivity: "VPC_ENDPOINT_SERVICE", vpcEndpointServiceName: serviceName, ec2: { endpoint: s.kmsUrl, env: process.env } };
    s.out(`$ xks-harness check --endpoint ${s.base.settings.endpoint} … --ca ${s.caFile} --dev --connectivity VPC_ENDPOINT_SERVICE --vpc-endpoint-service-name ${serviceName} --ec2-endpoint ${s.kmsUrl}`);
    const report = await runCheck(options);
    s.out(toHuman(report, options, paint).trimEnd());
    return report;
  };
  const good = await run(DEFAULT_ENDPOINT_SERVICE_NAME);
  s.expect(good.verdict === "pass" && good.checks.find((c) => c.id === "vpc-endpoint-service")?.status === "pass", "every requirement KMS has of the service holds, read through @aws-sdk/client-ec2");
  s.out("");
  const bad = await run(ACCEPTANCE_SERVICE_NAME);
  s.expect(
    bad.predictedException === "XksProxyVpcEndpointServiceInvalidConfigurationException" && bad.predictedConnectionErrorCode === "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    "a service that requires acceptance: Create/Update would raise XksProxyVpcEndpointServiceInvalidConfigurationException, Connect would end XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
  );
}
