/**
 * @module harness/check/endpoint
 * Splits an XksProxyUriEndpoint into what the network steps need. KMS always uses port 443; a port is only
 * accepted for local use (--dev).
 */
import { isIP } from "node:net";

export interface ParsedEndpoint {
  host: string;
  port: number;
  explicitPort: boolean;
  isIp: boolean;
  /** Base URL of the XKS API: endpoint + path. */
}

export function parseEndpoint(endpoint: string): ParsedEndpoint | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:") return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return { host, port: url.port ? Number(url.port) : 443, explicitPort: url.port !== "", isIp: isIP(host) !== 0 };
}

export function baseUrl(settings: { endpoint: string; path: string }): string {
  return `${settings.endpoint.replace(/\/+$/, "")}${settings.path}`;
}
