/**
 * @module proxy/sigv4-auth
 * SigV4 authentication of every XKS API request (spec Appendix A). The reason a request failed is logged,
 * but the answer is always the same 401, so a caller learns nothing about which part was wrong.
 */
import type { IncomingMessage } from "node:http";
import { MAX_CLOCK_SKEW_MS, XksError, verifySigV4, type SigningKeyCache } from "../xks/index.js";
import type { CredentialUse } from "./admin-credential-use.js";
import type { RoutedContext } from "./request-context.js";

export function authenticationFailed(): XksError {
  return new XksError("AuthenticationFailedException", "request signature could not be verified");
}

/**
 * Throws AuthenticationFailedException unless the request is signed by a credential of its key store; a success
 * is recorded in `credentialUse` (the admin API shows when each credential last authenticated a request).
 */
export function authenticate(
  req: IncomingMessage,
  body: Buffer,
  ctx: RoutedContext,
  now: Date,
  signingKeys: SigningKeyCache,
  credentialUse?: CredentialUse,
): void {
  if (!ctx.mutate.verifiesSignatures()) return;
  const keystore = ctx.route.keystore;
  const result = verifySigV4(
    { method: req.method ?? "", path: req.url ?? "", headers: req.headersDistinct, body },
    {
      lookupSecret: (id) => keystore.secrets.get(id),
      now,
      allowedRegions: keystore.regions,
      signingKeys,
      maxSkewMs: ctx.mutate.maxClockSkewMs(MAX_CLOCK_SKEW_MS),
    },
  );
  if (result.accessKeyId !== undefined) ctx.accessKeyId = result.accessKeyId;
  if (!result.ok) {
    ctx.authFailure = result.reason;
    throw authenticationFailed();
  }
  if (result.accessKeyId !== undefined) credentialUse?.record(keystore.name, result.accessKeyId, now);
}
