/**
 * HTTP that Node's parser refuses before a handler runs: answered with the spec's JSON error body
 * (ValidationException, 400; spec "Error codes") and Connection: close, not Node's bare 400/431.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestProxy, type TestProxy } from "./helpers/proxy-fixture.js";
import { exchange, parseRawResponse } from "./helpers/raw-tls.js";

let proxy: TestProxy;
beforeAll(async () => {
  proxy = await startTestProxy();
});
afterAll(async () => {
  await proxy?.stop();
});

const HEALTH = "POST /example/uri/path/prefix/kms/xks/v1/health HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";

const cases: [name: string, bytes: string, message: RegExp][] = [
  ["a Content-Length that is not a number", `${HEALTH}Content-Length: abc\r\n\r\n{}`, /^malformed HTTP request: Invalid character in Content-Length$/],
  ["Content-Length together with Transfer-Encoding", `${HEALTH}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`, /^malformed HTTP request: Transfer-Encoding can't be present with Content-Length$/],
  ["headers over the size limit (Node's would be a bare 431)", `${HEALTH}X-Big: ${"a".repeat(20_000)}\r\n\r\n`, /^request headers are larger than this proxy accepts \(16384 bytes\)$/],
  ["a request line that is not HTTP", "NOT HTTP AT ALL\r\n\r\n", /^malformed HTTP request/],
];

describe("malformed HTTP gets the spec's JSON error body", () => {
  it.each(cases)("%s → 400 ValidationException JSON, Connection: close", async (_name, bytes, message) => {
    const res = parseRawResponse(await exchange(proxy.port, bytes));
    expect(res.statusLine).toBe("HTTP/1.1 400 Bad Request");
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers.connection).toBe("close");
    expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(res.body));
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["errorMessage", "errorName"]);
    expect(body).toMatchObject({ errorName: "ValidationException", errorMessage: expect.stringMatching(message) });
  });

  it("the proxy keeps serving afterwards", async () => {
    expect((await proxy.client().health()).status).toBe(200);
  });
});
