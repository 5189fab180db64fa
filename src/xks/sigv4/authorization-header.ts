/**
 * @module xks/sigv4/authorization-header
 * Parses `AWS4-HMAC-SHA256 Credential=<akid>/<yyyymmdd>/<region>/<service>/aws4_request,
 * SignedHeaders=<h1;h2>, Signature=<64 hex>` (spec Appendix A). Parsing is strict: a header that does
 * not have this exact shape is not a KMS signature.
 */
import { SIGV4_ALGORITHM } from "../constants.js";

interface ParsedAuthorization {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

type ParseResult = { ok: true; value: ParsedAuthorization } | { ok: false; reason: string };

const SHAPE = new RegExp(`^${SIGV4_ALGORITHM} +Credential=([^,\\s]+), *SignedHeaders=([^,\\s]+), *Signature=([^,\\s]+)$`);

export function parseAuthorization(header: string | undefined): ParseResult {
  if (!header) return { ok: false, reason: "missing Authorization header" };
  const m = SHAPE.exec(header.trim());
  if (!m) return { ok: false, reason: `Authorization header is not ${SIGV4_ALGORITHM} Credential=..., SignedHeaders=..., Signature=...` };
  const [credential, signedHeaderList, signature] = [m[1]!, m[2]!, m[3]!];
  const parts = credential.split("/");
  if (parts.length !== 5) return { ok: false, reason: "Credential is not <access key id>/<date>/<region>/<service>/aws4_request" };
  const [accessKeyId, scopeDate, region, service, terminator] = parts as [string, string, string, string, string];
  if (!/^\d{8}$/.test(scopeDate)) return { ok: false, reason: "credential scope date is not YYYYMMDD" };
  if (!/^[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: "Signature is not 64 lowercase hex digits" };
  const signedHeaders = signedHeaderList.split(";");
  // Strictly ascending (in UTF-16 order, as Array#sort) means sorted and distinct at once.
  if (signedHeaders.some((h, i) => h === "" || h !== h.toLowerCase() || (i > 0 && !(signedHeaders[i - 1]! < h)))) {
    return { ok: false, reason: "SignedHeaders must be distinct lowercase names in sorted order" };
  }
  return { ok: true, value: { accessKeyId, scopeDate, region, service, terminator, signedHeaders, signature } };
}
