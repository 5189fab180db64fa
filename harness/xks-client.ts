/** @module harness/xks-client — the signed XKS client lives in src/client (the local KMS uses it too). */
export {
  XksClient,
  DEFAULT_PRINCIPAL,
  DEFAULT_KMS_KEY_ARN,
  type XksTarget,
  type XksClientOptions,
  type SendOptions,
  type XksResponse,
  type RequestMetadataInput,
} from "../src/client/xks-client.js";
