import { describe, expect, it } from "vitest";
import { SIGV4_INPUT, SIGV4_VECTORS } from "../spec-vectors.fixture.js";
import { canonicalRequest, credentialScope, signatureHex, signingKey, stringToSign } from "./canonical-request.js";
import { signXksRequest } from "./sign.js";
import { type IncomingSignedRequest, type VerifyOptions, verifySigV4 } from "./verify.js";

const [A, B] = SIGV4_VECTORS as [(typeof SIGV4_VECTORS)[number], (typeof SIGV4_VECTORS)[number]];
const OTHER_SECRET = "PleaseReplaceThisWithSomeSecretOfLength43To64";

const request = (authorization: string, headers: Record<string, string | string[]> = A.headers): IncomingSignedRequest => ({
  method: "POST",
  path: SIGV4_INPUT.path,
  headers: { ...headers, authorization },
  body: SIGV4_INPUT.body,
});

const options = (patch: Partial<VerifyOptions> = {}): VerifyOptions => ({
  lookupSecret: (id) => (id === SIGV4_INPUT.accessKeyId ? SIGV4_INPUT.secret : undefined),
  now: SIGV4_INPUT.date,
  allowedRegions: [SIGV4_INPUT.region],
  ...patch,
});

/** Signs by hand, so a test can build what a conforming signer never would (e.g. no host in SignedHeaders). */
function signManually(o: {
  signedHeaders: string[];
  headers?: Record<string, string>;
  amzDate?: string;
  scopeDate?: string;
  region?: string;
  service?: string;
  secret?: string;
  body?: string;
}): string {
  const amzDate = o.amzDate ?? SIGV4_INPUT.amzDate;
  const scopeDate = o.scopeDate ?? amzDate.slice(0, 8);
  const region = o.region ?? SIGV4_INPUT.region;
  const service = o.service ?? SIGV4_INPUT.service;
  const headers = o.headers ?? { ...A.headers, "x-amz-date": amzDate };
  const canonical = canonicalRequest({ method: "POST", path: SIGV4_INPUT.path, headers, signedHeaders: o.signedHeaders, body: o.body ?? SIGV4_INPUT.body });
  const scope = credentialScope(scopeDate, region, service);
  const signature = signatureHex(signingKey(o.secret ?? SIGV4_INPUT.secret, scopeDate, region, service), stringToSign(amzDate, scope, canonical));
  return `AWS4-HMAC-SHA256 Credential=${SIGV4_INPUT.accessKeyId}/${scope}, SignedHeaders=${o.signedHeaders.join(";")}, Signature=${signature}`;
}

const at = (iso: string) => new Date(iso);
const changeHexDigit = (sig: string, i: number) => sig.slice(0, i) + (sig[i] === "0" ? "1" : "0") + sig.slice(i + 1);

describe("verifySigV4 accepts", () => {
  it.each(SIGV4_VECTORS)("SigV4 vector $name at the vector date", ({ authorization, signedHeaders }) =>
    expect(verifySigV4(request(authorization), options())).toEqual({ ok: true, accessKeyId: SIGV4_INPUT.accessKeyId, region: "us-east-1", signedHeaders }));

  it("a Buffer body with the same bytes", () => expect(verifySigV4({ ...request(A.authorization), body: Buffer.from(SIGV4_INPUT.body) }, options()).ok).toBe(true));

  it("any region when allowedRegions is undefined", () => expect(verifySigV4(request(A.authorization), options({ allowedRegions: undefined })).ok).toBe(true));

  it.each([
    { name: "4 min 59 s after the signature", now: "2024-05-15T12:04:59Z" },
    { name: "4 min 59 s before the signature", now: "2024-05-15T11:55:01Z" },
    { name: "exactly 5 min after", now: "2024-05-15T12:05:00Z" },
    { name: "exactly 5 min before", now: "2024-05-15T11:55:00Z" },
  ])("a clock $name", ({ now }) => expect(verifySigV4(request(A.authorization), options({ now: at(now) })).ok).toBe(true));

  it.each([
    { name: "KMS style", signContentType: false },
    { name: "curl style", signContentType: true },
  ])("what signXksRequest signs ($name), at another date and region", ({ signContentType }) => {
    const date = at("2031-01-02T03:04:05Z");
    const { authorization, ...headers } = signXksRequest({
      host: "xks.internal:8443",
      path: SIGV4_INPUT.path,
      body: SIGV4_INPUT.body,
      region: "eu-west-1",
      credential: { accessKeyId: SIGV4_INPUT.accessKeyId, secretAccessKey: SIGV4_INPUT.secret },
      date,
      signContentType,
    });
    expect(verifySigV4(request(authorization, headers), options({ now: date, allowedRegions: ["eu-west-1"] })).ok).toBe(true);
  });
});

interface Rejection {
  name: string;
  req: IncomingSignedRequest;
  opts?: Partial<VerifyOptions>;
  reason: RegExp;
}

const { host: _host, ...headersWithoutHost } = A.headers;
const { "x-amz-date": _date, ...headersWithoutDate } = A.headers;
const { "content-type": _ct, ...headersWithoutContentType } = A.headers;

const rejections: Rejection[] = [
  { name: "a wrong secret", req: request(A.authorization), opts: { lookupSecret: () => OTHER_SECRET }, reason: /signature does not match/ },
  { name: "a signature made with another secret", req: request(signManually({ signedHeaders: ["host", "x-amz-date"], secret: OTHER_SECRET })), reason: /signature does not match/ },
  { name: "an unknown access key id", req: request(A.authorization), opts: { lookupSecret: () => undefined }, reason: /unknown access key id/ },
  { name: "the body changed by one byte", req: { ...request(A.authorization), body: SIGV4_INPUT.body.replace("4112", "4113") }, reason: /signature does not match/ },
  { name: "a trailing newline on the body", req: { ...request(A.authorization), body: `${SIGV4_INPUT.body}\n` }, reason: /signature does not match/ },
  { name: "another path", req: { ...request(A.authorization), path: "/other/kms/xks/v1/health" }, reason: /signature does not match/ },
  { name: "another method", req: { ...request(A.authorization), method: "GET" }, reason: /signature does not match/ },
  { name: "another Host header", req: request(A.authorization, { ...A.headers, host: "xks.example.com:443" }), reason: /signature does not match/ },
  { name: "B with the content-type changed", req: request(B.authorization, { ...A.headers, "content-type": "application/x-www-form-urlencoded" }), reason: /signature does not match/ },
  { name: "a signature with one hex digit changed (first)", req: request(A.authorization.replace(A.signature, changeHexDigit(A.signature, 0))), reason: /signature does not match/ },
  { name: "a signature with one hex digit changed (last)", req: request(A.authorization.replace(A.signature, changeHexDigit(A.signature, 63))), reason: /signature does not match/ },
  {
    name: "host not in SignedHeaders (otherwise correctly signed)",
    req: request(signManually({ signedHeaders: ["content-type", "x-amz-date"] })),
    reason: /SignedHeaders must include host/,
  },
  {
    name: "x-amz-date not in SignedHeaders (otherwise correctly signed)",
    req: request(signManually({ signedHeaders: ["host"] })),
    reason: /SignedHeaders must include x-amz-date/,
  },
  { name: "x-amz-date missing", req: request(A.authorization, headersWithoutDate), reason: /missing X-Amz-Date/ },
  { name: "x-amz-date repeated", req: request(A.authorization, { ...A.headers, "x-amz-date": [SIGV4_INPUT.amzDate, SIGV4_INPUT.amzDate] }), reason: /exactly once/ },
  { name: "x-amz-date in extended ISO form", req: request(A.authorization, { ...A.headers, "x-amz-date": "2024-05-15T12:00:00Z" }), reason: /YYYYMMDDTHHMMSSZ/ },
  { name: "a signed host header absent from the request", req: request(A.authorization, headersWithoutHost), reason: /signed header host is not in the request/ },
  { name: "B without its content-type header", req: request(B.authorization, headersWithoutContentType), reason: /signed header content-type/ },
  {
    name: "a scope date other than the x-amz-date day (otherwise correctly signed)",
    req: request(signManually({ signedHeaders: ["host", "x-amz-date"], scopeDate: "20240514" })),
    reason: /scope date/,
  },
  {
    name: 'service "kms" (signed by signXksRequest)',
    req: request(signXksRequest({ host: SIGV4_INPUT.host, path: SIGV4_INPUT.path, body: SIGV4_INPUT.body, region: SIGV4_INPUT.region, credential: { accessKeyId: SIGV4_INPUT.accessKeyId, secretAccessKey: SIGV4_INPUT.secret }, date: SIGV4_INPUT.date, service: "kms" }).authorization),
    reason: /service must be kms-xks-proxy/,
  },
  {
    name: "a terminator other than aws4_request",
    req: request(A.authorization.replace("/aws4_request,", "/aws4_reques7,")),
    reason: /aws4_request/,
  },
  { name: "a region not in allowedRegions", req: request(A.authorization), opts: { allowedRegions: ["eu-west-1"] }, reason: /region is not allowed/ },
  {
    name: "a correctly signed region not in allowedRegions",
    req: request(signManually({ signedHeaders: ["host", "x-amz-date"], region: "eu-west-1" })),
    reason: /region is not allowed/,
  },
  { name: "a clock 5 min 1 s after the signature", req: request(A.authorization), opts: { now: at("2024-05-15T12:05:01Z") }, reason: /5 minutes/ },
  { name: "a clock 5 min 1 s before the signature", req: request(A.authorization), opts: { now: at("2024-05-15T11:54:59Z") }, reason: /5 minutes/ },
  {
    name: "a correctly signed x-amz-date 5 min 1 s in the past",
    req: request(signManually({ signedHeaders: ["host", "x-amz-date"], amzDate: "20240515T115459Z" }), { ...A.headers, "x-amz-date": "20240515T115459Z" }),
    reason: /5 minutes/,
  },
  {
    name: "a correctly signed x-amz-date 5 min 1 s in the future",
    req: request(signManually({ signedHeaders: ["host", "x-amz-date"], amzDate: "20240515T120501Z" }), { ...A.headers, "x-amz-date": "20240515T120501Z" }),
    reason: /5 minutes/,
  },
  { name: "a tighter maxSkewMs", req: request(A.authorization), opts: { now: at("2024-05-15T12:00:02Z"), maxSkewMs: 1000 }, reason: /X-Amz-Date/ },
  { name: "no Authorization header", req: { ...request(A.authorization), headers: A.headers }, reason: /missing Authorization/ },
  { name: "two Authorization headers", req: { ...request(A.authorization), headers: { ...A.headers, authorization: [A.authorization, A.authorization] } }, reason: /Authorization/ },
  { name: "a malformed Authorization header", req: request(A.authorization.replace(A.signature, A.signature.toUpperCase())), reason: /lowercase hex/ },
];

describe("verifySigV4 rejects", () => {
  const secrets = [SIGV4_INPUT.secret, OTHER_SECRET];

  it.each(rejections)("$name", ({ req, opts, reason }) => {
    const result = verifySigV4(req, options(opts));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(reason);
    // Whatever fails, neither the reason nor anything else returned may carry a secret.
    for (const s of secrets) {
      expect(result.reason).not.toContain(s);
      expect(JSON.stringify(result)).not.toContain(s);
    }
  });

  it("reports the access key id on failures after parsing, for logs", () => {
    const result = verifySigV4(request(A.authorization), options({ lookupSecret: () => OTHER_SECRET }));
    expect(result).toEqual({ ok: false, reason: "signature does not match", accessKeyId: SIGV4_INPUT.accessKeyId });
  });

  it("does not ask for the secret when the request fails before the signature check", () => {
    const asked: string[] = [];
    const lookupSecret = (id: string) => (asked.push(id), SIGV4_INPUT.secret);
    expect(verifySigV4(request(A.authorization), options({ lookupSecret, now: at("2024-05-16T12:00:00Z") })).ok).toBe(false);
    expect(asked).toEqual([]);
  });
});
