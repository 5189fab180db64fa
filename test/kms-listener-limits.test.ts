/**
 * The local KMS's listener holds the same limits as the mock's: a connection that sends nothing is closed, a
 * slowloris request is cut at its headers deadline, and connections past the cap are refused.
 */
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import type { TLSSocket } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import type { StartedLocalKms } from "../src/kms/start-local-kms.js";
import { startTestKms } from "./helpers/kms-fixture.js";
import { closedWithin } from "./helpers/raw-tls.js";

let kms: StartedLocalKms | undefined;
afterEach(async () => {
  await kms?.stop();
  kms = undefined;
});

async function openTcp(port: number): Promise<Socket> {
  const socket = connect({ host: "127.0.0.1", port });
  socket.on("error", () => undefined);
  await once(socket, "connect");
  return socket;
}
const closed = (s: Socket, boundMs: number) => closedWithin(s as TLSSocket, boundMs);

describe("local KMS listener limits", () => {
  it("closes connections that never send a request after the idle limit", async () => {
    kms = await startTestKms({ port: 0, limits: { idleTimeoutMs: 300, headersTimeoutMs: 10_000, maxConnections: 64 } });
    const sockets = await Promise.all(Array.from({ length: 10 }, () => openTcp(kms!.port)));
    for (const ms of await Promise.all(sockets.map((s) => closed(s, 5000)))) expect(ms).toBeGreaterThanOrEqual(200);
  });

  it("a connection idle since it opened for longer than headersTimeoutMs is served, and an idle one is closed quietly", async () => {
    kms = await startTestKms({ port: 0, limits: { idleTimeoutMs: 2500, headersTimeoutMs: 500, maxConnections: 64 } });
    const [served, left] = await Promise.all([openTcp(kms.port), openTcp(kms.port)]);
    let text = "";
    served!.on("data", (c: Buffer) => (text += c.toString("utf8")));
    let leftText = "";
    left!.on("data", (c: Buffer) => (leftText += c.toString("utf8")));
    // The behaviour under test is a wait: three headers deadlines, past the 500 ms check, with nothing sent.
    await delay(1500);
    expect(served!.destroyed).toBe(false);
    served!.write(`GET /metrics HTTP/1.1\r\nHost: localhost:${kms.port}\r\n\r\n`);
    await expect.poll(() => text.split("\r\n")[0], { timeout: 5000 }).toBe("HTTP/1.1 200 OK");
    served!.destroy();
    await closed(left!, 5000);
    expect(leftText).toBe("");
  });

  it("cuts a request whose headers never end within about a second of the headers deadline", async () => {
    kms = await startTestKms({ port: 0, limits: { idleTimeoutMs: 60_000, headersTimeoutMs: 500, maxConnections: 64 } });
    const socket = await openTcp(kms.port);
    socket.write("POST / HTTP/1.1\r\nHost: localhost\r\n");
    let drips = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed && drips++ < 100) socket.write(`X-Drip-${drips}: 1\r\n`);
    }, 100);
    try {
      expect(await closed(socket, 3000)).toBeLessThan(2000);
    } finally {
      clearInterval(drip);
    }
  });

  it("refuses connections past maxConnections", async () => {
    kms = await startTestKms({ port: 0, limits: { idleTimeoutMs: 60_000, headersTimeoutMs: 10_000, maxConnections: 2 } });
    const kept = await Promise.all([openTcp(kms.port), openTcp(kms.port)]);
    const extra = await openTcp(kms.port);
    await closed(extra, 3000);
    expect(kept.every((s) => !s.destroyed)).toBe(true);
    for (const s of kept) s.destroy();
  });
});
