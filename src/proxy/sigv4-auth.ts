/**
 * @module proxy/sigv4-auth
 * SigV4 authentication of every XKS API request (spec Appendix A), in two steps: the headers before the body is
 * read (a request from an unknown credential, or scoped or dated wrong, costs no body buffer), then the signature
 * over the exact body bytes. The reason a request failed is logged, but the answer is always the same 401, so a
 * caller learns nothing about which part was wrong.
 */
import type { IncomingMessage } from "node:http";
import { MAX_CLOCK_SKEW_MS, XksError, checkSigV4Headers, verifySignature, type SigningKeyCache } from "../xks/index.js";
import type { CredentialUse } from "./admin-credential-use.js";
import type { RoutedContext } from "./request-context.js";

export function authenticationFailed(): XksError {
  return new XksError("AuthenticationFailedException", "request signature could not be verified");
}

function refuse(ctx: RoutedContext, reason: string): never {
  ctx.authFailure = reason;
  throw authenticationFailed();
}

/** Before the body: throws AuthenticationFailedException unless the headers name a credential of the key store. */
export function authenticateHeaders(req: IncomingMessage, ctx: RoutedContext, now: Date): void {
  if (!ctx.mutate.verifiesSignatures()) return;
  const keystore = ctx.route.keystore;
  const result = checkSigV4Headers(
    { method: req.method ?? "", path: req.url ?? "", headers: req.headersDistinct },
    {
      lookupSecret: (id) => keystore.secrets.get(id),
      now,
      allowedRegions: keystore.regions,
      maxSkewMs: ctx.mutate.maxClockSkewMs(MAX_CLOCK_SKEW_MS),
    },
  );
  if (result.ok) ctx.accessKeyId = result.value.accessKeyId;
  else if (result.accessKeyId !== undefined) ctx.accessKeyId = result.accessKeyId;
  if (!result.ok) refuse(ctx, result.reason);
  ctx.sigv4 = result.value;
}

/**
 * After the body: throws AuthenticationFailedException unless the signature covers exactly these bytes. A success
 * is recorded in `credentialUse` (the admin API shows when each credential last authenticated a request).
 */
export function authenticate(
  req: IncomingMessage,
  body: Buffer,
  ctx: RoutedContext,
  keys: SigningKeyCache,
  now: Date,
  credentialUse?: CredentialUse,
): void {
  if (!ctx.mutate.verifiesSignatures()) return;
  if (!ctx.sigv4) refuse(ctx, "headers were not checked");
  const signed = { method: req.method ?? "", path: req.url ?? "", headers: req.headersDistinct, body };
  const result = verifySignature(signed, ctx.sigv4, keys);
  if (!result.ok) refuse(ctx, result.reason);
  credentialUse?.record(ctx.route.keystore.name, ctx.sigv4.accessKeyId, now);
}
