/**
 * @module bench/pre-auth-memory
 * What unauthenticated clients can make the mock hold (README "Limits", pre-authentication memory). Starts the
 * `xks-mock` bin as users run it (its Node flags, the local KMS beside it, the request log silenced), opens
 * `PREAUTH_CONNECTIONS` (default 4096, the default `maxConnections`) TLS connections, and on each sends a request
 * that authenticates nowhere but gets as far as an attacker can: the public default access key id and a valid
 * scope, a signature over other bytes, Content-Length the body limit, and all of the body but its last byte (the
 * server must hold it, waiting for the rest). Prints the server's RSS before, at the peak while every connection
 * holds its body, and after they close. Not part of `npm run bench` (it needs ~4,000 sockets and minutes of CPU):
 *
 *   npm run build && node dist/bench/pre-auth-memory.js
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { connect, type TLSSocket } from "node:tls";
import { setTimeout as delay } from "node:timers/promises";
import { PROXY_NODE_FLAGS } from "../src/bin/node-flags.js";
import { DEFAULT_PATH_PREFIX, PUBLIC_TEST_CREDENTIAL, defaultConfigInput } from "../src/proxy/config-schema.js";
import { parseProxyConfig } from "../src/proxy/load-config.js";
import { signXksRequest } from "../src/xks/sigv4/sign.js";

const CONNECTIONS = Number(process.env.PREAUTH_CONNECTIONS ?? 4096);
/** Connections opened at once: a burst the server and this process can handshake without timeouts. */
const OPENING_AT_ONCE = 64;
/** The body limit the mock runs with: its default. */
const BODY_BYTES = parseProxyConfig(defaultConfigInput()).limits.maxBodyBytes;

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number(line?.split(/\s+/)[1]) / 1024;
}

/** PREAUTH_NODE_FLAGS=0: without the mock's Node flags (its larger young generation is most of the difference). */
const nodeFlags = process.env.PREAUTH_NODE_FLAGS === "0" ? [] : PROXY_NODE_FLAGS;
const child = spawn(process.execPath, [...nodeFlags, "dist/src/bin/xks-mock.js", "--port", "0", "--kms-port", "0", "--admin-port", "off", "--log-level", "silent"], {
  stdio: ["ignore", "ignore", "pipe"],
});
let banner = "";
child.stderr.setEncoding("utf8").on("data", (s: string) => (banner += s));
while (!/local KMS on/.test(banner) || !/CA file:\s+(\S+)/.test(banner)) {
  if (child.exitCode !== null) throw new Error(`xks-mock exited: ${banner}`);
  await delay(100);
}
const port = Number(/listening on https:\/\/[^:]+:(\d+)/.exec(banner)![1]);
const ca = readFileSync(/CA file:\s+(\S+)/.exec(banner)![1]!, "utf8");
const pid = child.pid!;
await delay(2000);
const before = rssMiB(pid);

const path = `${DEFAULT_PATH_PREFIX}/kms/xks/v1/keys/foo/encrypt`;
const host = `localhost:${port}`;
// Signed over other bytes: the signature fails, but only once the body is complete.
const signed = signXksRequest({ host, path, body: "other bytes", region: "us-east-1", credential: PUBLIC_TEST_CREDENTIAL, date: new Date() });
const head = `POST ${path} HTTP/1.1\r\n${Object.entries(signed).map(([n, v]) => `${n}: ${v}\r\n`).join("")}content-length: ${BODY_BYTES}\r\n\r\n`;
const body = Buffer.alloc(BODY_BYTES - 1, "a");

let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 100);
const sockets: TLSSocket[] = [];
let answered = 0;
let closedEarly = 0;
async function holdOne(): Promise<void> {
  const socket = connect({ host: "127.0.0.1", port, ca, servername: "localhost" });
  socket.on("error", () => undefined);
  socket.on("data", () => answered++);
  socket.on("close", () => closedEarly++);
  sockets.push(socket);
  await once(socket, "secureConnect");
  socket.write(head);
  // Not waited for: a request the server holds unread (no room in its budget) would never drain.
  socket.write(body);
}
const started = performance.now();
for (let i = 0; i < CONNECTIONS; i += OPENING_AT_ONCE) {
  await Promise.all(Array.from({ length: Math.min(OPENING_AT_ONCE, CONNECTIONS - i) }, holdOne));
}
await delay(3000);
const opened = (performance.now() - started) / 1000;
const held = rssMiB(pid);
const closedByServer = closedEarly;
clearInterval(sampler);
for (const s of sockets) s.destroy();
await delay(3000);
const after = rssMiB(pid);
child.kill("SIGTERM");
await once(child, "exit");
const f = (n: number) => `${n.toFixed(0)} MiB`;
process.stdout.write(
  `xks-mock (${nodeFlags.join(" ") || "no Node flags"}) RSS with ${CONNECTIONS} connections each holding ${BODY_BYTES - 1} bytes of an unauthenticated body ` +
    `(opened in ${opened.toFixed(1)} s; ${closedByServer} closed by the server, ${answered} answer chunks):\n` +
    `  before ${f(before)}   holding ${f(held)} (peak ${f(peak)})   after closing ${f(after)}\n`,
);
