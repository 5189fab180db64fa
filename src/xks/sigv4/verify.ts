/**
 * @module xks/sigv4/verify
 * Verifies a SigV4-signed XKS request the way the spec asks of a proxy (Appendix A): the secret is found by
 * access key id; the scope must be `<X-Amz-Date day>/<region>/kms-xks-proxy/aws4_request`; host and
 * x-amz-date must be signed; the signature is recomputed over whatever SignedHeaders lists and the exact
 * body bytes, and compared in constant time; the timestamp must be within 5 minutes of `now`.
 */
import { timingSafeEqual } from "node:crypto";
import { KMS_SIGNED_HEADERS, MAX_CLOCK_SKEW_MS, SIGV4_TERMINATOR, XKS_SIGV4_SERVICE } from "../constants.js";
import { parseAmzDate } from "./amz-date.js";
import { parseAuthorization } from "./authorization-header.js";
import { type HeaderValue, canonicalRequest, credentialScope, signature, signingKey, stringToSign } from "./canonical-request.js";
import type { SigningKeyCache } from "./signing-key-cache.js";

export interface IncomingSignedRequest {
  method: string;
  /** The request path exactly as received. */
  path: string;
  /** Lowercase header names; arrays for repeated headers. */
  headers: Readonly<Record<string, HeaderValue>>;
  body: Uint8Array | string;
}

export interface VerifyOptions {
  /** The secret for an access key id, or undefined when the id is unknown. */
  lookupSecret: (accessKeyId: string) => string | undefined;
  now: Date;
  /** Regions a signature may be scoped to; undefined allows any (KMS signs with the key store's region). */
  allowedRegions?: readonly string[] | undefined;
  /** @default 300000 (5 minutes) */
  maxSkewMs?: number;
  /** Remembers signing keys across requests; without it each request derives its key (four HMACs). */
  signingKeys?: SigningKeyCache | undefined;
}

type VerifyResult =
  | { ok: true; accessKeyId: string; region: string; signedHeaders: string[] }
  | { ok: false; reason: string; accessKeyId?: string };

/** What the headers alone establish: a known credential, scoped and dated right, with the signature to check. */
export interface CheckedSigV4Headers {
  accessKeyId: string;
  region: string;
  signedHeaders: string[];
  /** The secret of accessKeyId. */
  secret: string;
  scopeDate: string;
  service: string;
  amzDate: string;
  /** 64 lowercase hex digits. */
  signature: string;
}

type HeadersResult = { ok: true; value: CheckedSigV4Headers } | { ok: false; reason: string; accessKeyId?: string };

function single(value: HeaderValue): string | undefined {
  if (typeof value === "string") return value;
  return value?.length === 1 ? value[0] : undefined;
}

/**
 * Every check that needs no body: the Authorization header's shape, X-Amz-Date and its skew, the scope, the signed
 * header list, and that the access key id is known. A proxy runs it before it reads a body, so a request from an
 * unknown credential costs no body buffer.
 */
export function checkSigV4Headers(req: Omit<IncomingSignedRequest, "body">, o: VerifyOptions): HeadersResult {
  const parsed = parseAuthorization(single(req.headers["authorization"]));
  if (!parsed.ok) return parsed;
  const a = parsed.value;
  const fail = (reason: string): HeadersResult => ({ ok: false, reason, accessKeyId: a.accessKeyId });

  const amzDate = req.headers["x-amz-date"];
  if (amzDate === undefined) return fail("missing X-Amz-Date header");
  const date = single(amzDate);
  if (date === undefined) return fail("X-Amz-Date must appear exactly once");
  const dateMs = parseAmzDate(date);
  if (dateMs === undefined) return fail("X-Amz-Date is not YYYYMMDDTHHMMSSZ");
  const maxSkewMs = o.maxSkewMs ?? MAX_CLOCK_SKEW_MS;
  if (Math.abs(o.now.getTime() - dateMs) > maxSkewMs) return fail(`X-Amz-Date is more than ${maxSkewMs % 60_000 === 0 ? `${maxSkewMs / 60_000} minutes` : `${maxSkewMs / 1000} s`} from the proxy's clock`);

  if (a.scopeDate !== date.slice(0, 8)) return fail("credential scope date differs from the X-Amz-Date day");
  if (a.service !== XKS_SIGV4_SERVICE) return fail(`credential scope service must be ${XKS_SIGV4_SERVICE}`);
  if (a.terminator !== SIGV4_TERMINATOR) return fail(`credential scope must end in ${SIGV4_TERMINATOR}`);
  if (o.allowedRegions && !o.allowedRegions.includes(a.region)) return fail("credential scope region is not allowed for this key store");

  for (const h of KMS_SIGNED_HEADERS) if (!a.signedHeaders.includes(h)) return fail(`SignedHeaders must include ${h}`);
  for (const h of a.signedHeaders) if (req.headers[h] === undefined) return fail(`signed header ${h} is not in the request`);

  const secret = o.lookupSecret(a.accessKeyId);
  if (secret === undefined) return fail("unknown access key id");
  const { accessKeyId, region, signedHeaders, scopeDate, service, signature } = a;
  return { ok: true, value: { accessKeyId, region, signedHeaders, secret, scopeDate, service, amzDate: date, signature } };
}

/** The signature over the request and its exact body bytes, for headers checkSigV4Headers accepted. */
export function verifySignature(req: IncomingSignedRequest, h: CheckedSigV4Headers, keys?: SigningKeyCache): VerifyResult {
  const { method, path, headers, body } = req;
  const canonical = canonicalRequest({ method, path, headers, signedHeaders: h.signedHeaders, body });
  const scope = credentialScope(h.scopeDate, h.region, h.service);
  const key = keys ? keys.get(h.secret, h.scopeDate, h.region, h.service) : signingKey(h.secret, h.scopeDate, h.region, h.service);
  const expected = signature(key, stringToSign(h.amzDate, scope, canonical));
  // The parser checked for 64 hex digits, so both are 32 bytes and the compare is constant-time.
  const matches = timingSafeEqual(expected, Buffer.from(h.signature, "hex"));
  if (!matches) return { ok: false, reason: "signature does not match", accessKeyId: h.accessKeyId };
  return { ok: true, accessKeyId: h.accessKeyId, region: h.region, signedHeaders: h.signedHeaders };
}

export function verifySigV4(req: IncomingSignedRequest, o: VerifyOptions): VerifyResult {
  const checked = checkSigV4Headers(req, o);
  return checked.ok ? verifySignature(req, checked.value, o.signingKeys) : checked;
}
