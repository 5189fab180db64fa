/**
 * @module client/xks-target
 * A key store's connection settings as the client needs them: KMS calls `XksProxyUriEndpoint` +
 * `XksProxyUriPath` (the base URL of the XKS API) and signs with the store's credential and region.
 */
import type { XksTarget } from "./xks-client.js";

/** The connection settings of a key store (what UpdateCustomKeyStore sets), with the raw secret. */
export interface XksConnectionSettings {
  /** XksProxyUriEndpoint: https://host[:port] */
  endpoint: string;
  /** XksProxyUriPath: [/prefix]/kms/xks/v1 */
  path: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Base URL of the XKS API: endpoint + path (a trailing slash of the endpoint is not doubled). */
export function baseUrl(settings: { endpoint: string; path: string }): string {
  return `${settings.endpoint.replace(/\/+$/, "")}${settings.path}`;
}

/** What an XksClient calls for these settings, signing for `region`. */
export function xksTarget(settings: XksConnectionSettings, region: string): XksTarget {
  return { baseUrl: baseUrl(settings), region, credential: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } };
}
