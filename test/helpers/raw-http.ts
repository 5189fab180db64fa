/**
 * Raw plain-TCP HTTP exchanges with a listener that speaks HTTP (the local KMS), for what an HTTP client cannot
 * send on purpose: oversized headers, malformed HTTP. Every wait is bounded.
 */
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { closedWithin } from "./raw-tls.js";

/** Sends `bytes` on a new TCP connection to 127.0.0.1:port and returns all the server wrote until it closed. */
export async function exchangePlain(port: number, bytes: string | Buffer, boundMs = 5000): Promise<string> {
  const socket: Socket = connect({ host: "127.0.0.1", port });
  socket.on("error", () => undefined); // a reset by the server shows as 'close'
  await once(socket, "connect");
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  socket.write(bytes);
  await closedWithin(socket as TLSSocket, boundMs);
  return Buffer.concat(chunks).toString("utf8");
}
