/**
 * @module xks/sigv4/sign
 * Signs an XKS request exactly as KMS does, with aws4: service `kms-xks-proxy`, SignedHeaders
 * `host;x-amz-date`, the date passed in (so tests can sign in the past or future).
 */
import aws4 from "aws4";
import { XKS_SIGV4_SERVICE } from "../constants.js";
import { formatAmzDate } from "./amz-date.js";

export interface XksCredential {
  accessKeyId: string;
  secretAccessKey: string;
}

/** What KMS's own signature covers: one POST of `body` to `host` + `path`, by `credential` at `date`. */
export interface KmsSignInput {
  /** Host header value as it will be sent: host, or host:port when the port is not the scheme default. */
  host: string;
  path: string;
  /** The exact bytes sent (a string is sent as UTF-8). */
  body: string | Uint8Array;
  region: string;
  credential: XksCredential;
  date: Date;
}

export interface SignOptions extends KmsSignInput {
  method?: string;
  /** @default "kms-xks-proxy" — other values exist only to test that a proxy rejects them. */
  service?: string;
  /** Also sign content-type, as curl --aws-sigv4 does. @default false */
  signContentType?: boolean;
  /** Leave host out of SignedHeaders — exists only to test that a proxy rejects it. @default false */
  omitHost?: boolean;
}

export interface SignedHeaders {
  host: string;
  "x-amz-date": string;
  "content-type": string;
  authorization: string;
}

export function signXksRequest(o: SignOptions): SignedHeaders {
  const amzDate = formatAmzDate(o.date);
  const headers: Record<string, string> = { Host: o.host, "X-Amz-Date": amzDate, "Content-Type": "application/json" };
  const request: aws4.Request & { extraHeadersToIgnore: Record<string, boolean> } = {
    host: o.host,
    path: o.path,
    method: o.method ?? "POST",
    body: typeof o.body === "string" ? o.body : Buffer.from(o.body.buffer, o.body.byteOffset, o.body.byteLength),
    headers,
    service: o.service ?? XKS_SIGV4_SERVICE,
    region: o.region,
    // KMS signs host and x-amz-date only; aws4 would otherwise add content-type and content-length.
    extraHeadersToIgnore: { "content-length": true, ...(o.signContentType ? {} : { "content-type": true }), ...(o.omitHost ? { host: true } : {}) },
  };
  const signed = aws4.sign(request, o.credential);
  const authorization = signed.headers?.["Authorization"];
  if (typeof authorization !== "string") throw new Error("aws4 produced no Authorization header");
  return { host: o.host, "x-amz-date": amzDate, "content-type": "application/json", authorization };
}
