/**
 * @module proxy/sigv4-auth
 * SigV4 authentication of every XKS API request (spec Appendix A). The reason a request failed is logged,
 * but the answer is always the same 401, so a caller learns nothing about which part was wrong.
 */
import type { RequestHandler } from "express";
import { XksError } from "../xks/errors.js";
import { verifySigV4 } from "../xks/sigv4/verify.js";
import { contextOf } from "./request-context.js";

export interface SigV4AuthOptions {
  /** @default () => new Date() */
  now?: () => Date;
}

export function sigv4Auth(options: SigV4AuthOptions = {}): RequestHandler {
  const now = options.now ?? (() => new Date());
  return function authenticateSigV4(req, res, next) {
    const ctx = contextOf(res);
    const keystore = ctx.route!.keystore;
    if (ctx.mutations.has("accept-any-signature")) return next();
    const result = verifySigV4(
      { method: req.method, path: req.originalUrl, headers: req.headersDistinct, body: Buffer.isBuffer(req.body) ? req.body : "" },
      {
        lookupSecret: (id) => keystore.secrets.get(id),
        now: now(),
        allowedRegions: keystore.regions,
        ...(ctx.mutations.has("skip-skew-check") ? { maxSkewMs: Number.POSITIVE_INFINITY } : {}),
      },
    );
    if (result.accessKeyId !== undefined) ctx.accessKeyId = result.accessKeyId;
    if (!result.ok) {
      ctx.authFailure = result.reason;
      return next(new XksError("AuthenticationFailedException", "request signature could not be verified"));
    }
    next();
  };
}
