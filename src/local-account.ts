/**
 * @module local-account
 * The one AWS account of the local cloud (the local KMS and its EC2 endpoint services): key ARNs, the caller of
 * every local call, and the default owner of a declared endpoint service.
 */
export const LOCAL_ACCOUNT_ID = "000000000000";
