/**
 * @module proxy/route
 * Maps a request path to (keystore, API, key id). An unknown path is InvalidUriPathException before any
 * SigV4 check, as the reference proxy does (docs/spec-notes.md, "Unknown path before authentication"): that is how KMS tells a bad path from a bad credential.
 */
import { XksError, type XksOperation } from "../xks/index.js";
import type { RequestContext, RoutedContext, XksRoute } from "./request-context.js";
import type { ProxyRuntime } from "./runtime.js";

const KEY_ROUTE = /^\/keys\/([^/]+)\/(metadata|encrypt|decrypt)$/;

function matchRoute(path: string, runtime: ProxyRuntime): XksRoute | undefined {
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

/** The router stage: the request's API, or InvalidUriPathException. From here on the context has a route. */
export function routeRequest(ctx: RequestContext, path: string): asserts ctx is RoutedContext {
  const route = matchRoute(path, ctx.runtime);
  if (!route) throw new XksError("InvalidUriPathException", "no XKS API at this path; check the key store's XksProxyUriPath");
  ctx.route = route;
}
