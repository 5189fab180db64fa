/**
 * @module ec2
 * The local EC2 query endpoint for VPC endpoint services and the declarations it answers from; the local KMS
 * mounts it on its port and checks VPC stores against the same declarations.
 */
export {
  DEFAULT_ENDPOINT_SERVICE_NAME,
  DEFAULT_PRIVATE_DNS_NAME,
  EndpointServicesConfig,
  defaultEndpointServices,
  findEndpointService,
  parseEndpointServices,
  type EndpointService,
  type EndpointServiceDeclarationInput,
  type EndpointServicesConfigInput,
} from "./endpoint-services.js";
export { createEc2Router, isEc2Query } from "./router.js";
export { errorXml } from "./xml.js";
