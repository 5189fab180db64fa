/**
 * @module xks
 * The public face of the XKS spec core: what the proxy, the local KMS, the client, the harness and the bench
 * may use. Pure (no I/O): time, secrets and randomness arrive as arguments. Files inside src/xks import their
 * siblings directly; everything outside imports from here. A name not listed is an internal step of the spec.
 */
export { gcmDecrypt, gcmEncrypt } from "./aes-gcm.js";
export {
  keyUnusableReason,
  verifyDecryptAnswer,
  verifyEncryptAnswer,
  verifyHealthAnswer,
  verifyMetadataAnswer,
  type AnswerCheck,
  type AnswerRule,
  type DecryptExpectation,
  type EncryptAnswer,
  type EncryptExpectation,
  type HealthAnswer,
  type MetadataAnswer,
  type WrongAnswerFailure,
} from "./answers.js";
export { decodeBase64 } from "./base64.js";
export { computeCdiv, expectedCdiv } from "./cdiv.js";
export {
  AES_256_KEY_SPEC,
  CDIV_ALGORITHM,
  DEFAULT_XKS_TPS,
  ENCRYPTION_ALGORITHM,
  KMS_PROXY_TIMEOUT_MS,
  KMS_SIGNED_HEADERS,
  MAX_CLOCK_SKEW_MS,
  RECOMMENDED_RTT_MS,
  XKS_API_NAMES,
  XKS_API_SUFFIX,
  XKS_API_VERSION,
  XKS_OPERATIONS,
  XKS_SIGV4_SERVICE,
  XKS_TLS_CIPHERS,
  XKS_TLS_MIN_VERSION,
  kmsClientSubject,
  type XksOperation,
} from "./constants.js";
export { XKS_ERRORS, XKS_ERROR_NAMES, XksError, isValidErrorMessage, isXksErrorName, type XksErrorName } from "./errors.js";
export { KMS_FAILURE_MESSAGES, KMS_FAILURE_OUTCOMES, type ProxyFailure, xksProxyErrorType, type XksProxyErrorType } from "./kms-failures.js";
export {
  answerResult,
  classifyAnswer,
  classifyError,
  errorOutcome,
  WRONG_ANSWER,
  type AnswerLike,
  type Failed,
  type KmsOutcome,
  type Result,
} from "./kms-outcome.js";
export {
  REGION_PATTERN,
  XKS_CONNECTIVITIES,
  checkKmsField,
  formatViolation,
  isXksConnectivity,
  type KmsFieldName,
  type RuleViolation,
  type XksConnectivity,
} from "./kms-rules.js";
export { XKS_LIMITS } from "./limits.js";
export {
  DecryptRequest,
  DecryptResponse,
  EncryptRequest,
  EncryptResponse,
  HealthRequest,
  HEALTH_STATUSES,
  HealthResponse,
  KEY_STATUSES,
  MetadataRequest,
  MetadataResponse,
  UsableKeyMetadata,
  describeIssues,
  issueLines,
} from "./schemas.js";
export { issueRule, issueText } from "./issue-words.js";
export { formatAmzDate } from "./sigv4/amz-date.js";
export { canonicalRequest, credentialScope, stringToSign } from "./sigv4/canonical-request.js";
export { signXksRequest, type XksCredential } from "./sigv4/sign.js";
export { SigningKeyCache } from "./sigv4/signing-key-cache.js";
export { checkSigV4Headers, verifySignature, verifySigV4, type CheckedSigV4Headers } from "./sigv4/verify.js";
export {
  DNS_NAME_STATES,
  ENDPOINT_SERVICE_STATES,
  IP_ADDRESS_TYPES,
  LOAD_BALANCER_TYPES,
  VPC_SERVICE_INVALID,
  VPC_SERVICE_IN_USE_EXCEPTION,
  VPC_SERVICE_NOT_FOUND,
  checkVpcEndpointService,
  describeFindings,
  endpointHost,
  kmsServicePrincipal,
  vpcServiceRequirements,
  type EndpointServiceFacts,
  type VpcServiceFinding,
  type VpcStoreSettings,
} from "./vpc-endpoint-service.js";
