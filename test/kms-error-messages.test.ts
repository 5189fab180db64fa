/**
 * What the local KMS says when a request breaks a rule before any operation runs: an id over the KMS model's
 * length (KMS's own ValidationException wording), headers over Node's limit and a body over 1 MB (KMS-shaped JSON
 * errors, not Node's bare 431 or a JSON parser's words). Each names the rule and what to do.
 */
import { request } from "node:http";
import {
  ConnectCustomKeyStoreCommand,
  DescribeCustomKeyStoresCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ListKeysCommand,
  type KMSClient,
} from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedLocalKms } from "../src/kms/start-local-kms.js";
import { expectKmsError, sdkClient, startTestKms } from "./helpers/kms-fixture.js";
import { exchangePlain } from "./helpers/raw-http.js";
import { parseRawResponse } from "./helpers/raw-tls.js";

let kms: StartedLocalKms;
let client: KMSClient;
beforeAll(async () => {
  kms = await startTestKms();
  client = sdkClient(kms);
});
afterAll(async () => {
  client?.destroy();
  await kms?.stop();
});

/** KMS's wording of one violated constraint. */
const violation = (field: string, rule: string) =>
  `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member ${rule}`;
const lengthRule = (field: string, max: number) => violation(field, `must have length less than or equal to ${max}`);

describe("ids over the KMS model's length: KMS's ValidationException wording, not \"must not be null\"", () => {
  it.each([
    ["DescribeKey", () => new DescribeKeyCommand({ KeyId: "k".repeat(2049) }), lengthRule("KeyId", 2048)],
    [
      "Encrypt",
      () => new EncryptCommand({ KeyId: `alias/${"a".repeat(2043)}`, Plaintext: Buffer.from("x") }),
      lengthRule("KeyId", 2048),
    ],
    [
      "ConnectCustomKeyStore",
      () => new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: "c".repeat(65) }),
      lengthRule("CustomKeyStoreId", 64),
    ],
    [
      "DescribeCustomKeyStores",
      () => new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: "c".repeat(65) }),
      lengthRule("CustomKeyStoreId", 64),
    ],
    [
      "DescribeCustomKeyStores (name)",
      () => new DescribeCustomKeyStoresCommand({ CustomKeyStoreName: "n".repeat(257) }),
      lengthRule("CustomKeyStoreName", 256),
    ],
    [
      "ListKeys (Limit)",
      () => new ListKeysCommand({ Limit: 1001 }),
      violation("Limit", "must have value less than or equal to 1000"),
    ],
  ])("%s", async (_op, command, message) => {
    const e = await expectKmsError(client.send(command() as never), "ValidationException");
    expect(e.message).toBe(message);
  });

  it("an empty id and a missing one each get their own rule", async () => {
    const empty = await expectKmsError(client.send(new DescribeKeyCommand({ KeyId: "" })), "ValidationException");
    expect(empty.message).toBe(violation("KeyId", "must have length greater than or equal to 1"));
    const missing = await expectKmsError(client.send(new DescribeKeyCommand({} as never)), "ValidationException");
    expect(missing.message).toBe(violation("KeyId", "must not be null"));
  });

  it("at the limit the id is looked up (NotFoundException), not refused", async () => {
    await expectKmsError(client.send(new DescribeKeyCommand({ KeyId: "k".repeat(2048) })), "NotFoundException");
    const atLimit = new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: "c".repeat(64) });
    await expectKmsError(client.send(atLimit), "CustomKeyStoreNotFoundException");
  });
});

describe("requests over the size limits: KMS-shaped JSON errors", () => {
  const start = () => `POST / HTTP/1.1\r\nHost: 127.0.0.1:${kms.port}\r\nX-Amz-Target: TrentService.ListKeys\r\n`;

  it("headers over Node's limit → 431 ValidationException naming the limit, then the connection closes", async () => {
    const res = parseRawResponse(await exchangePlain(kms.port, `${start()}X-Big: ${"a".repeat(20_000)}\r\n\r\n`));
    expect(res.statusLine).toBe("HTTP/1.1 431 Request Header Fields Too Large");
    expect(res.headers["content-type"]).toMatch(/^application\/x-amz-json-1\.1/);
    expect(res.headers["x-amzn-errortype"]).toBe("ValidationException");
    expect(res.headers.connection).toBe("close");
    expect(JSON.parse(res.body)).toEqual({
      __type: "ValidationException",
      message:
        "request headers are larger than this local KMS accepts (16384 bytes). " +
        "Fix: send smaller headers (the AWS SDKs and CLI send about 1 KB)",
    });
  });

  it("malformed HTTP → 400 with a ValidationException body", async () => {
    const res = parseRawResponse(await exchangePlain(kms.port, `${start()}Content-Length: abc\r\n\r\n{}`));
    expect(res.statusLine).toBe("HTTP/1.1 400 Bad Request");
    const message = "malformed HTTP request: Invalid character in Content-Length";
    expect(JSON.parse(res.body)).toEqual({ __type: "ValidationException", message });
  });

  it("a body over 1 MB → 413 ValidationException saying so (not \"not valid JSON\"); the KMS serves on", async () => {
    const body = JSON.stringify({ KeyId: "alias/x", Plaintext: "A".repeat(1_100_000) });
    const res = await new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
      const headers = {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "TrentService.Encrypt",
        "content-length": Buffer.byteLength(body),
      };
      const req = request({ host: "127.0.0.1", port: kms.port, method: "POST", path: "/", headers }, (r) => {
        let text = "";
        r.setEncoding("utf8").on("data", (d: string) => (text += d));
        const type = r.headers["x-amzn-errortype"] as string | undefined;
        r.on("end", () => resolve({ status: r.statusCode!, type, body: text }));
      });
      req.on("error", reject);
      req.end(body);
    });
    expect(res.status).toBe(413);
    expect(res.type).toBe("ValidationException");
    expect(JSON.parse(res.body)).toEqual({
      __type: "ValidationException",
      message:
        `request body is ${Buffer.byteLength(body)} bytes, larger than the 1048576 this local KMS accepts. ` +
        "Fix: send a smaller request (KMS's largest inputs, e.g. a 4096-byte Plaintext, fit well within it)",
    });
    expect((await client.send(new ListKeysCommand({}))).Keys).toEqual([]);
  });

  it("a body that is not JSON is still a SerializationException", async () => {
    const headers = { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.ListKeys" };
    const res = await fetch(kms.url, { method: "POST", headers, body: "{not json" });
    expect(res.status).toBe(400);
    const message = expect.stringMatching(/^request body is not valid JSON/);
    expect(await res.json()).toMatchObject({ __type: "SerializationException", message });
  });
});
