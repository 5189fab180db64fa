/**
 * How the data plane reads a request body, on the wire (raw TLS sockets, so nothing smooths it over): a
 * declared Content-Length above limits.maxBodyBytes is refused before the body is sent, a chunked body that
 * grows past the limit is cut off and its connection closed, a client that vanishes mid-body is logged and
 * forgotten, and a body sent in many small pieces is verified over exactly its bytes.
 */
import { once } from "node:events";
import { connect, type TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_PATH_PREFIX, PUBLIC_TEST_CREDENTIAL } from "../src/proxy/config-schema.js";
import { XKS_API_SUFFIX } from "../src/xks/constants.js";
import { kmsHeaders, type HeaderList } from "./helpers/raw-xks-request.js";
import { pem, startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";

const HEALTH = `${DEFAULT_PATH_PREFIX}${XKS_API_SUFFIX}/health`;
const HEALTH_BODY = JSON.stringify({ requestMetadata: { kmsRequestId: "body-read-test", kmsOperation: "KmsHealthCheck" } });

let proxy: TestProxy;
let host: string;

beforeAll(async () => {
  proxy = await startTestProxy(testConfig());
  host = `127.0.0.1:${proxy.port}`;
});
afterAll(() => proxy.stop());

async function openSocket(): Promise<TLSSocket> {
  const socket = connect({ host: "127.0.0.1", port: proxy.port, ca: pem("caCert"), servername: "localhost" });
  await once(socket, "secureConnect");
  return socket;
}

/** Everything the server sends until it closes the connection, or until `until` matches what came so far. */
function collect(socket: TLSSocket, until?: (text: string) => boolean): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = "";
    const done = (closed: boolean) => {
      socket.off("data", onData);
      resolve({ text, closed });
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (until?.(text)) done(false);
    };
    socket.on("data", onData);
    socket.once("close", () => done(true));
  });
}

function head(path: string, headers: HeaderList, extra: HeaderList): string {
  return [`POST ${path} HTTP/1.1`, ...[...headers, ...extra].map(([n, v]) => `${n}: ${v}`), "", ""].join("\r\n");
}

/** Status line and the parsed JSON body of one HTTP/1.1 answer with a Content-Length. */
function parseAnswer(text: string): { status: number; headers: string; json: unknown } {
  const [headers, body] = [text.slice(0, text.indexOf("\r\n\r\n")), text.slice(text.indexOf("\r\n\r\n") + 4)];
  return { status: Number(headers.split(" ")[1]), headers: headers.toLowerCase(), json: body ? JSON.parse(body) : undefined };
}

const complete = (text: string) => {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const length = /content-length: (\d+)/i.exec(text.slice(0, end));
  return length !== null && text.length >= end + 4 + Number(length[1]);
};

async function healthStillAnswers(): Promise<void> {
  const res = await proxy.client().health();
  expect(res.status).toBe(200);
}

describe("body limits", () => {
  it("a declared Content-Length above maxBodyBytes → 501 before a byte of body is sent, and the connection closes", async () => {
    const limit = proxy.config().limits.maxBodyBytes;
    const socket = await openSocket();
    const answer = collect(socket);
    socket.write(head(HEALTH, kmsHeaders({ host, path: HEALTH, body: HEALTH_BODY, credential: PUBLIC_TEST_CREDENTIAL }), [["content-length", String(limit + 1)]]));
    const { text, closed } = await answer;
    const res = parseAnswer(text);
    expect(res.status).toBe(501);
    expect(res.json).toMatchObject({ errorName: "UnsupportedOperationException" });
    expect(res.headers).toContain("content-type: application/json");
    expect(res.headers).toContain("connection: close");
    expect(closed).toBe(true);
    await healthStillAnswers();
  });

  it("an unknown access key id → 401 before a byte of body is read (the body is never sent), and the connection closes", async () => {
    const limit = proxy.config().limits.maxBodyBytes;
    const socket = await openSocket();
    const answer = collect(socket);
    const stranger = { accessKeyId: "UNKNOWNACCESSKEYID234567", secretAccessKey: PUBLIC_TEST_CREDENTIAL.secretAccessKey };
    socket.write(head(HEALTH, kmsHeaders({ host, path: HEALTH, body: HEALTH_BODY, credential: stranger }), [["content-length", String(limit)]]));
    // Bounded: the answer must come while the body is still owed.
    const { text, closed } = await Promise.race([answer, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no answer without the body")), 5000))]);
    const res = parseAnswer(text);
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ errorName: "AuthenticationFailedException" });
    expect(res.headers).toContain("connection: close");
    expect(closed).toBe(true);
    const line = proxy.logs.records().find((r) => r["accessKeyId"] === stranger.accessKeyId);
    expect(line).toMatchObject({ status: 401, authFailure: "unknown access key id" });
    await healthStillAnswers();
  });

  it("a chunked body that grows past maxBodyBytes → 501, the rest is not read, the connection closes", async () => {
    const limit = proxy.config().limits.maxBodyBytes;
    const socket = await openSocket();
    const answer = collect(socket);
    socket.write(head(HEALTH, kmsHeaders({ host, path: HEALTH, body: "", credential: PUBLIC_TEST_CREDENTIAL }), [["transfer-encoding", "chunked"]]));
    const piece = Buffer.alloc(16 * 1024, "a");
    // Bounded: twice the limit at most; the server answers (and closes) once it has seen more than the limit.
    for (let sent = 0; sent <= 2 * limit && !socket.destroyed && socket.writable; sent += piece.length) {
      socket.write(`${piece.length.toString(16)}\r\n`);
      socket.write(piece);
      socket.write("\r\n");
    }
    const { text, closed } = await answer;
    const res = parseAnswer(text);
    expect(res.status).toBe(501);
    expect(res.json).toMatchObject({ errorName: "UnsupportedOperationException" });
    expect(res.headers).toContain("connection: close");
    expect(closed).toBe(true);
    await healthStillAnswers();
  });

  it("limits come from the configuration the request arrives under: a reload raises maxBodyBytes without a restart", async () => {
    const small = await startTestProxy(testConfig({ limits: { maxPlaintextBytes: 4300, maxAadBytes: 8192, maxBodyBytes: 32 * 1024 } }));
    try {
      const padded = { requestMetadata: { kmsRequestId: "big", kmsOperation: "KmsHealthCheck", padding: "p".repeat(40 * 1024) } };
      expect((await small.client().send("/health", padded)).status).toBe(501);
      await small.reload(testConfig({ limits: { maxPlaintextBytes: 4300, maxAadBytes: 8192, maxBodyBytes: 64 * 1024 } }));
      expect((await small.client().send("/health", padded)).status).toBe(200);
    } finally {
      await small.stop();
    }
  });
});

describe("bodies on the wire", () => {
  it("a signed body sent in single bytes is read whole and verified over exactly its bytes", async () => {
    const socket = await openSocket();
    const answer = collect(socket, complete);
    const body = Buffer.from(HEALTH_BODY);
    socket.write(head(HEALTH, kmsHeaders({ host, path: HEALTH, body, credential: PUBLIC_TEST_CREDENTIAL }), [["content-length", String(body.length)]]));
    for (const byte of body) {
      socket.write(Buffer.from([byte]));
      // Each byte its own TLS record: wait until it is flushed before the next.
      if (socket.writableNeedDrain) await once(socket, "drain");
    }
    const res = parseAnswer((await answer).text);
    socket.destroy();
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ekmFleetDetails: expect.any(Array) });
  });

  it("a client that leaves mid-body gets no answer, its request is logged as a closed connection, the proxy keeps serving", async () => {
    const before = proxy.logs.records().length;
    const socket = await openSocket();
    const body = Buffer.from(HEALTH_BODY);
    // Expect: 100-continue makes Node answer "100 Continue" as it hands the request to the proxy: proof the request is
    // in the proxy's hands before the client leaves.
    const continued = collect(socket, (text) => text.includes("100 Continue"));
    const headers = kmsHeaders({ host, path: HEALTH, body, credential: PUBLIC_TEST_CREDENTIAL });
    socket.write(head(HEALTH, headers, [["content-length", String(body.length)], ["expect", "100-continue"]]));
    expect((await continued).text).toContain("100 Continue");
    socket.write(body.subarray(0, 10));
    socket.destroy();
    await vi.waitFor(() => {
      const line = proxy.logs.records().slice(before).find((r) => r["msg"] === "connection closed");
      expect(line).toMatchObject({ status: 0, operation: "health" });
    });
    await healthStillAnswers();
  });
});
