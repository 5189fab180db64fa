/**
 * Raw TLS connections to a test proxy, for what an HTTP client cannot do on purpose: connect and send nothing,
 * drip a request's headers, send malformed HTTP. Every wait is bounded.
 */
import { once } from "node:events";
import type { Socket } from "node:net";
import { connect, type TLSSocket } from "node:tls";
import { pem } from "./proxy-fixture.js";

/** A TLS connection to 127.0.0.1:port trusting the test CA, resolved once the handshake is done. */
export async function openTls(port: number): Promise<TLSSocket> {
  const socket = connect({ host: "127.0.0.1", port, ca: pem("caCert"), servername: "localhost" });
  socket.on("error", () => undefined); // a reset by the server shows as 'close'
  await once(socket, "secureConnect");
  return socket;
}

/** Resolves with the ms from now until the server closes the connection (TLS or plain TCP); rejects after `boundMs`. */
export function closedWithin(socket: Socket, boundMs: number): Promise<number> {
  const start = performance.now();
  if (socket.destroyed) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connection still open after ${boundMs} ms`)), boundMs);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(performance.now() - start);
    });
    socket.resume();
  });
}

/** Sends `bytes` on a new connection and returns all the server wrote until it closed (bounded). */
export async function exchange(port: number, bytes: string | Buffer, boundMs = 5000): Promise<string> {
  const socket = await openTls(port);
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  socket.write(bytes);
  await closedWithin(socket, boundMs);
  return Buffer.concat(chunks).toString("utf8");
}

/** Status code, lower-cased headers and body of one raw HTTP/1.1 response. */
export function parseRawResponse(text: string): { statusLine: string; headers: Record<string, string>; body: string } {
  const end = text.indexOf("\r\n\r\n");
  const [statusLine = "", ...lines] = text.slice(0, end < 0 ? text.length : end).split("\r\n");
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).trim().toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  return { statusLine, headers, body: end < 0 ? "" : text.slice(end + 4) };
}
