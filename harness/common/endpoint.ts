/**
 * @module harness/common/endpoint
 * Splits an XksProxyUriEndpoint into what the network steps need. KMS always uses port 443; a port is only
 * accepted for local use (--dev). The base URL of the XKS API (endpoint + path) is `baseUrl` in src/client.
 */
import { isIP } from "node:net";

export interface ParsedEndpoint {
  host: string;
  port: number;
  explicitPort: boolean;
  isIp: boolean;
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
