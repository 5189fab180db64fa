/**
 * What a connection may hold on the mock's XKS listener (limits.idleTimeoutMs, limits.headersTimeoutMs,
 * limits.maxConnections): connections that send nothing, slowloris headers, and one connection too many, with
 * small limits so the test stays fast.
 */
import { setTimeout as delay } from "node:timers/promises";
import { connect, type TLSSocket } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { signXksRequest } from "../src/xks/sigv4/sign.js";
import { addFault } from "./helpers/admin-faults.js";
import { pem, startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";
import { closedWithin, exchange, openTls, parseRawResponse } from "./helpers/raw-tls.js";

let proxy: TestProxy | undefined;
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
});

const withLimits = (limits: Record<string, number>) => testConfig({ limits });
const PING = "GET /ping HTTP/1.1\r\nHost: localhost\r\n\r\n";

/** A GetHealthStatus request signed as KMS signs it, on a keep-alive connection. */
function signedHealthRequest(p: TestProxy): string {
  const url = new URL(`${p.baseUrl()}/health`);
  const body = JSON.stringify({ requestMetadata: { kmsRequestId: "idle-1", kmsOperation: "KmsHealthCheck" } });
  const credential = p.config().keystores[0]!.credentials[0]!;
  const signed = signXksRequest({ host: url.host, path: url.pathname, body, region: "us-east-1", credential, date: new Date() });
  const headers = Object.entries(signed).map(([name, value]) => `${name}: ${value}\r\n`);
  return `POST ${url.pathname} HTTP/1.1\r\n${headers.join("")}content-length: ${body.length}\r\n\r\n${body}`;
}

/** Everything the server writes on `socket` from now on. */
function received(socket: TLSSocket): () => string {
  let text = "";
  socket.on("data", (c: Buffer) => (text += c.toString("utf8")));
  return () => text;
}

describe("limits.idleTimeoutMs", () => {
  it("closes connections that finish the handshake and never send a request", async () => {
    proxy = await startTestProxy(withLimits({ idleTimeoutMs: 300 }));
    // Each connection's idle time from its own handshake; everything it was sent, read as it comes.
    const connections = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const socket = await openTls(proxy!.port);
        const openedAt = performance.now();
        const text = received(socket);
        const idleMs = await closedWithin(socket, 5000).then(() => performance.now() - openedAt);
        return { idleMs, text };
      }),
    );
    for (const { idleMs } of connections) expect(idleMs).toBeGreaterThanOrEqual(250);
    // Closed quietly: an unsolicited 408 would be read as the answer by a client that sends just then.
    for (const { text } of connections) expect(text()).toBe("");
  });

  it("a connection idle after its handshake for longer than headersTimeoutMs still serves a request (the headers deadline runs from its first byte)", async () => {
    proxy = await startTestProxy(withLimits({ headersTimeoutMs: 500, idleTimeoutMs: 60_000 }));
    const socket = await openTls(proxy.port);
    const text = received(socket);
    // The behaviour under test is a wait: three headers deadlines, past Node's 500 ms check, with nothing sent.
    await delay(1500);
    expect(socket.destroyed, `closed while idle; it wrote: ${JSON.stringify(text())}`).toBe(false);
    expect(text()).toBe("");
    socket.write(signedHealthRequest(proxy));
    await expect.poll(() => parseRawResponse(text()).statusLine, { timeout: 5000 }).toBe("HTTP/1.1 200 OK");
    socket.destroy();
  });

  it("idle between requests for longer than headersTimeoutMs: the next request is served", async () => {
    proxy = await startTestProxy(withLimits({ headersTimeoutMs: 500, idleTimeoutMs: 60_000 }));
    const socket = await openTls(proxy.port);
    const text = received(socket);
    socket.write(PING);
    await expect.poll(() => parseRawResponse(text()).statusLine, { timeout: 5000 }).toBe("HTTP/1.1 200 OK");
    const first = text().length;
    await delay(1500);
    socket.write(signedHealthRequest(proxy));
    await expect.poll(() => parseRawResponse(text().slice(first)).statusLine, { timeout: 5000 }).toBe("HTTP/1.1 200 OK");
    socket.destroy();
  });

  it("does not cut a request in progress that takes longer than the limit; closes the connection once idle after it", async () => {
    proxy = await startTestProxy(withLimits({ idleTimeoutMs: 300 }));
    await addFault(proxy, "default", { type: "latency", ms: 900, operation: "health" });
    expect((await proxy.client().health()).status).toBe(200);

    const socket = await openTls(proxy.port);
    let text = "";
    socket.on("data", (c: Buffer) => (text += c.toString("utf8")));
    socket.write(PING);
    const idleAfterAnswer = await closedWithin(socket, 5000);
    expect(parseRawResponse(text).statusLine).toBe("HTTP/1.1 200 OK");
    expect(idleAfterAnswer).toBeGreaterThanOrEqual(200);
  });

  it("a reload applies a new limit to new connections", async () => {
    proxy = await startTestProxy(withLimits({ idleTimeoutMs: 60_000 }));
    await proxy.reload(withLimits({ idleTimeoutMs: 300 }));
    await closedWithin(await openTls(proxy.port), 5000);
  });
});

describe("limits.headersTimeoutMs", () => {
  it("a slowloris connection (headers dripped) is closed within a second of the limit, not ~30 s later", async () => {
    proxy = await startTestProxy(withLimits({ headersTimeoutMs: 500, idleTimeoutMs: 60_000 }));
    const socket = await openTls(proxy.port);
    socket.write("GET /ping HTTP/1.1\r\nHost: localhost\r\n");
    // Bounded drip: one header line every 100 ms, never the blank line that ends them.
    let drips = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed && drips++ < 100) socket.write(`X-Drip-${drips}: 1\r\n`);
    }, 100);
    try {
      const ms = await closedWithin(socket, 5000);
      expect(ms).toBeGreaterThanOrEqual(400);
      expect(ms).toBeLessThan(500 + 1000 + 500); // the limit, Node's check interval, scheduling slack on a busy machine
    } finally {
      clearInterval(drip);
    }
  });
});

describe("limits.maxConnections", () => {
  it("refuses the connection over the cap; the ones within it are served", async () => {
    proxy = await startTestProxy(withLimits({ maxConnections: 3, idleTimeoutMs: 60_000 }));
    const held = await Promise.all([openTls(proxy.port), openTls(proxy.port), openTls(proxy.port)]);
    const extra = connect({ host: "127.0.0.1", port: proxy.port, ca: pem("caCert"), servername: "localhost" });
    const outcome = await new Promise<string>((resolve) => {
      extra.once("secureConnect", () => resolve("connected"));
      extra.once("error", (err: NodeJS.ErrnoException) => resolve(`error ${err.code}`));
      extra.once("close", () => resolve("closed"));
    });
    expect(outcome).not.toBe("connected");
    held[0]!.write(PING);
    let text = "";
    held[0]!.on("data", (c: Buffer) => (text += c.toString("utf8")));
    await expect.poll(() => text, { timeout: 5000 }).toContain("HTTP/1.1 200 OK");
    for (const s of held) s.destroy();
    extra.destroy();
  });
});

describe("exchange helper sanity", () => {
  it("a well-formed request over a raw connection is answered", async () => {
    proxy = await startTestProxy(withLimits({ idleTimeoutMs: 300 }));
    expect(parseRawResponse(await exchange(proxy.port, PING.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"))).statusLine).toBe("HTTP/1.1 200 OK");
  });
});
