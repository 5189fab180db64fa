/**
 * @module proxy/sigv4-auth
 * SigV4 authentication of every XKS API request (spec Appendix A). The reason a request failed is logged,
 * but the answer is always the same 401, so a caller learns nothing about which part was wrong.
 */
import type { IncomingMessage } from "node:http";
import { XksError } from "../xks/errors.js";
import type { SigningKeyCache } from "../xks/sigv4/signing-key-cache.js";
import { verifySigV4 } from "../xks/sigv4/verify.js";
import type { RequestContext } from "./request-context.js";

export function authenticationFailed(): XksError {
  return new XksError("AuthenticationFailedException", "request signature could not be verified");
}

/** Throws AuthenticationFailedException unless the request is signed by a credential of its key store. */
export function authenticate(req: IncomingMessage, body: Buffer, ctx: RequestContext, now: Date, signingKeys: SigningKeyCache): void {
  if (ctx.mutations.has("accept-any-signature")) return;
  const keystore = ctx.route!.keystore;
  const result = verifySigV4(
    { method: req.method ?? "", path: req.url ?? "", headers: req.headersDistinct, body },
    {
      lookupSecret: (id) => keystore.secrets.get(id),
      now,
      allowedRegions: keystore.regions,
      signingKeys,
      ...(ctx.mutations.has("skip-skew-check") ? { maxSkewMs: Number.POSITIVE_INFINITY } : {}),
    },
  );
  if (result.accessKeyId !== undefined) ctx.accessKeyId = result.accessKeyId;
  if (!result.ok) {
    ctx.authFailure = result.reason;
    throw authenticationFailed();
  }
}
