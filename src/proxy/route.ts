/**
 * @module proxy/route
 * Maps a request path to (keystore, API, key id). An unknown path is InvalidUriPathException before any
 * SigV4 check, as the reference proxy does (docs/spec-notes.md, "Unknown path before authentication"): that is how KMS tells a bad path from a bad credential.
 */
import type { XksOperation } from "../xks/constants.js";
import type { ProxyRuntime, RuntimeKeystore } from "./runtime.js";

export interface XksRoute {
  keystore: RuntimeKeystore;
  operation: XksOperation;
  /** Present for metadata, encrypt and decrypt. */
  keyId?: string;
}

const KEY_ROUTE = /^\/keys\/([^/]+)\/(metadata|encrypt|decrypt)$/;

export function matchRoute(path: string, runtime: ProxyRuntime): XksRoute | undefined {
  for (const keystore of runtime.keystores) {
    if (!path.startsWith(keystore.basePath)) continue;
    const rest = path.slice(keystore.basePath.length);
    if (rest === "/health") return { keystore, operation: "health" };
    const m = KEY_ROUTE.exec(rest);
    if (!m) continue;
    let keyId: string;
    try {
      keyId = decodeURIComponent(m[1]!);
    } catch {
      return undefined;
    }
    return { keystore, operation: m[2] as XksOperation, keyId };
  }
  return undefined;
}
