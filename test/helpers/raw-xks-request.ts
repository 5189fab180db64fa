/**
 * XKS requests with full control of what goes on the wire, for fuzzing and the log leak scan: the body as
 * exact bytes, headers as an ordered list (a name may repeat), the path sent as given (no URL normalisation).
 * Signing is signXksRequest (aws4, as KMS signs: SignedHeaders host;x-amz-date), not the mock's verifier code.
 */
import type { IncomingHttpHeaders } from "node:http";
import { Agent, type Dispatcher } from "undici";
import { signXksRequest, type XksCredential } from "../../src/xks/sigv4/sign.js";
import { pem } from "./proxy-fixture.js";

export type HeaderList = [name: string, value: string][];

export interface KmsSignOptions {
  /** Host header as sent, e.g. 127.0.0.1:8443. */
  host: string;
  path: string;
  body: Buffer | string;
  credential: XksCredential;
  method?: string;
  /** @default "us-east-1" */
  region?: string;
  /** @default now */
  date?: Date;
}

/** host, x-amz-date, content-type and the Authorization KMS would send, signed over exactly `body`'s bytes. */
export function kmsHeaders(o: KmsSignOptions): HeaderList {
  const signed = signXksRequest({ ...o, region: o.region ?? "us-east-1", date: o.date ?? new Date() });
  return [
    ["host", signed.host],
    ["x-amz-date", signed["x-amz-date"]],
    ["content-type", signed["content-type"]],
    ["authorization", signed.authorization],
  ];
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Parsed JSON body, or undefined when it is not JSON. */
  json: unknown;
}

/** A keep-alive pool trusting the test CA, with a client certificate for mTLS when given; the caller closes it. */
export function rawAgent(o: { cert?: string; key?: string; timeoutMs?: number } = {}): Agent {
  const timeoutMs = o.timeoutMs ?? 3000;
  return new Agent({
    connect: { ca: pem("caCert"), timeout: timeoutMs, ...(o.cert ? { cert: o.cert, key: o.key } : {}) },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

/** Sends exactly these headers and bytes to origin + path (the path is not normalised). */
export async function sendRaw(
  dispatcher: Dispatcher,
  origin: string,
  r: { method?: string; path: string; headers: HeaderList; body?: Buffer | string },
): Promise<RawResponse> {
  const method = (r.method ?? "POST") as Dispatcher.HttpMethod;
  const res = await dispatcher.request({
    origin,
    path: r.path,
    method,
    headers: r.headers.flat(),
    body: method === "GET" || method === "HEAD" ? null : (r.body ?? null),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers as IncomingHttpHeaders, text, json: parseJsonOrUndefined(text) };
}

/** The JSON value of `text`, or undefined when it is not JSON. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
