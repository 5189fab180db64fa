/**
 * @module xks/sigv4/sign-headers
 * Signs an XKS request as KMS does (service `kms-xks-proxy`, SignedHeaders `host;x-amz-date`, the date passed
 * in) from our own SigV4 pieces, with Node built-ins only: the signer of the Artillery processor, which runs
 * where no package is installed (harness/load/artillery/emit-processor.ts). Everything else signs with aws4
 * (sign.ts); a test checks that the two agree.
 */
import { KMS_SIGNED_HEADERS, SIGV4_ALGORITHM, XKS_SIGV4_SERVICE } from "../constants.js";
import { formatAmzDate } from "./amz-date.js";
import { canonicalRequest, credentialScope, signatureHex, stringToSign } from "./canonical-request.js";
import type { KmsSignInput, SignedHeaders } from "./sign.js";
import { SigningKeyCache } from "./signing-key-cache.js";

const keys = new SigningKeyCache();

/** The headers of a POST signed as KMS signs it: the same as signXksRequest's (sign.ts). */
export function signXksHeaders(o: KmsSignInput): SignedHeaders {
  const amzDate = formatAmzDate(o.date);
  const scopeDate = amzDate.slice(0, 8);
  const headers = { host: o.host, "x-amz-date": amzDate };
  const canonical = canonicalRequest({ method: "POST", path: o.path, headers, signedHeaders: KMS_SIGNED_HEADERS, body: o.body });
  const scope = credentialScope(scopeDate, o.region, XKS_SIGV4_SERVICE);
  const signature = signatureHex(keys.get(o.credential.secretAccessKey, scopeDate, o.region, XKS_SIGV4_SERVICE), stringToSign(amzDate, scope, canonical));
  return {
    ...headers,
    "content-type": "application/json",
    authorization: `${SIGV4_ALGORITHM} Credential=${o.credential.accessKeyId}/${scope}, SignedHeaders=${KMS_SIGNED_HEADERS.join(";")}, Signature=${signature}`,
  };
}
