/**
 * @module kms/state
 * What the local KMS remembers: custom key stores, KMS keys and aliases, each in one region of account
 * 000000000000. The state file holds proxy secrets (KMS must sign with them), so it is written owner-only.
 */
import { z } from "zod";
import { XKS_CONNECTIVITIES } from "../xks/index.js";
import { LOCAL_ACCOUNT_ID } from "../local-account.js";


const CONNECTION_STATES = ["CONNECTED", "CONNECTING", "FAILED", "DISCONNECTED", "DISCONNECTING"] as const;

const XksProxySettings = z.object({
  uriEndpoint: z.string(),
  uriPath: z.string(),
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  connectivity: z.enum(XKS_CONNECTIVITIES),
  vpcEndpointServiceName: z.string().optional(),
  /** XksProxyVpcEndpointServiceOwner as given; the local account when absent. */
  vpcEndpointServiceOwner: z.string().optional(),
});
export type XksProxySettings = z.infer<typeof XksProxySettings>;

const CustomKeyStoreRecord = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  connectionState: z.enum(CONNECTION_STATES),
  connectionErrorCode: z.string().optional(),
  creationDate: z.number(),
  /**
   * Unix seconds when XksProxyAuthenticationCredential was last set (create, or an update that changed it): the
   * start of KMS's XksProxyCredentialAge. Optional so that state files written before it was kept still load (still
   * version 1: the field only adds); for those, credentialSetDate() falls back to creationDate.
   */
  credentialSetDate: z.number().optional(),
  xks: XksProxySettings,
});
export type CustomKeyStoreRecord = z.infer<typeof CustomKeyStoreRecord>;

/** A tag of a KMS key, as the KMS API names its parts. */
const KeyTag = z.object({ TagKey: z.string(), TagValue: z.string() });
export type KeyTag = z.infer<typeof KeyTag>;

/**
 * A KMS key as kept. `keyState` is what the key's own life set (Unavailable is not kept: it comes from its store's
 * connection, kms/operations/key-state). `policy` and `tags` are optional so that state files written before they
 * were kept still load (version 1: the fields only add); a key without a policy has the default key policy.
 * Changes replace `tags` with a new array, never edit it in place (the state store copies records one level deep).
 */
const KeyRecord = z.object({
  keyId: z.string(),
  region: z.string(),
  customKeyStoreId: z.string(),
  xksKeyId: z.string(),
  description: z.string(),
  keyState: z.enum(["Enabled", "Disabled", "PendingDeletion"]),
  creationDate: z.number(),
  deletionDate: z.number().optional(),
  policy: z.string().optional(),
  tags: z.array(KeyTag).optional(),
});
export type KeyRecord = z.infer<typeof KeyRecord>;

/** `lastUpdatedDate` (UpdateAlias) is optional for state files written before it was kept; creationDate stands in. */
const AliasRecord = z.object({
  aliasName: z.string(),
  region: z.string(),
  targetKeyId: z.string(),
  creationDate: z.number(),
  lastUpdatedDate: z.number().optional(),
});

export const KmsStateSchema = z.object({
  version: z.literal(1),
  customKeyStores: z.array(CustomKeyStoreRecord),
  keys: z.array(KeyRecord),
  aliases: z.array(AliasRecord),
});
export type KmsState = z.infer<typeof KmsStateSchema>;

/** When the store's current proxy credential was set, in Unix seconds (creationDate for state from before it was kept). */
export function credentialSetDate(s: Pick<CustomKeyStoreRecord, "creationDate" | "credentialSetDate">): number {
  return s.credentialSetDate ?? s.creationDate;
}

export function emptyState(): KmsState {
  return { version: 1, customKeyStores: [], keys: [], aliases: [] };
}

export const keyArn = (region: string, keyId: string) => `arn:aws:kms:${region}:${LOCAL_ACCOUNT_ID}:key/${keyId}`;
export const aliasArn = (region: string, aliasName: string) => `arn:aws:kms:${region}:${LOCAL_ACCOUNT_ID}:${aliasName}`;
