/**
 * @module proxy/request-context
 * What one request carries from stage to stage of the data plane (app.ts), and what its log line reports.
 * A request starts as a RequestContext; the router stage (route.ts `routeRequest`) makes it a RoutedContext,
 * which is what every later stage takes.
 */
import type { CheckedSigV4Headers, XksOperation } from "../xks/index.js";
import { SPEC, type Mutate } from "./mutate.js";
import type { ProxyRuntime, RuntimeKeystore } from "./runtime.js";

/** Which API of which key store a request's path names (route.ts). */
export interface XksRoute {
  keystore: RuntimeKeystore;
  operation: XksOperation;
  /** Present for metadata, encrypt and decrypt. */
  keyId?: string;
}

export interface RequestContext {
  /** The snapshot this request is served from, taken when it arrived: a reload never changes it mid-request. */
  runtime: ProxyRuntime;
  route?: XksRoute;
  accessKeyId?: string;
  kmsRequestId?: string;
  kmsOperation?: string;
  errorName?: string;
  /** The body parsed as JSON once authenticated; absent when it is not JSON. */
  json?: { value: unknown };
  /** The spec, or the spec with this request's mutations (fault type "mutation") switched on. */
  mutate: Mutate;
  /** Set by a health-status fault. */
  healthOverride?: "DEGRADED" | "UNAVAILABLE";
  /** The SigV4 headers, checked before the body was read; the signature over the body is checked after. */
  sigv4?: CheckedSigV4Headers;
  /** Why authentication failed; logged, never sent (it would help an attacker). */
  authFailure?: string;
  note?: string;
}

/** A request whose path named an XKS API of a key store. */
export interface RoutedContext extends RequestContext {
  route: XksRoute;
}

export function newRequestContext(runtime: ProxyRuntime): RequestContext {
  return { runtime, mutate: SPEC };
}
