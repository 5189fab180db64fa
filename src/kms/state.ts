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

const KeyRecord = z.object({
  keyId: z.string(),
  region: z.string(),
  customKeyStoreId: z.string(),
  xksKeyId: z.string(),
  description: z.string(),
  keyState: z.enum(["Enabled", "Disabled", "PendingDeletion"]),
  creationDate: z.number(),
  deletionDate: z.number().optional(),
});
export type KeyRecord = z.infer<typeof KeyRecord>;

const AliasRecord = z.object({ aliasName: z.string(), region: z.string(), targetKeyId: z.string(), creationDate: z.number() });

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
