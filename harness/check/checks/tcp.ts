/**
 * @module harness/check/checks/tcp
 * Check 3: a TCP connection to the endpoint's IPv4 address and port, timed.
 */
import { connect, type Socket } from "node:net";
import type { CheckContext } from "../context.js";
import { CHECK_TITLES, type CheckResult } from "../types.js";
import { errorWords, libraryText } from "../../../src/error-words.js";

function connectTcp(host: string, port: number, timeoutMs: number): Promise<{ ms: number; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const socket = connect({ host, port, family: 4 });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error(`no TCP connection within ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
    });
    socket.once("connect", () => {
      socket.setTimeout(0);
      resolve({ ms: performance.now() - start, socket });
    });
    socket.once("error", reject);
  });
}

export async function tcpCheck(ctx: CheckContext): Promise<CheckResult> {
  const address = ctx.addresses[0]!;
  const { port } = ctx.endpoint;
  const start = performance.now();
  try {
    const { ms, socket } = await connectTcp(address, port, ctx.options.timeoutMs);
    socket.destroy();
    ctx.timings.tcpMs = ms;
    return { id: "tcp", title: CHECK_TITLES["tcp"], status: "pass", detail: `connected to ${address}:${port} in ${ms.toFixed(1)} ms`, ms };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "ERROR";
    const timedOut = code === "ETIMEDOUT";
    ctx.verbose.push(`tcp: ${libraryText(err)}`);
    const words = errorWords(err, { host: address, port, service: "the proxy" });
    return {
      id: "tcp",
      title: CHECK_TITLES["tcp"],
      status: "fail",
      detail: `${address}:${port}: ${timedOut ? `no answer within ${ctx.options.timeoutMs} ms` : (words?.cause ?? `the connection failed (${code})`)}`,
      ms: performance.now() - start,
      failure: timedOut ? "Timeout" : "TcpFailure",
      fix: timedOut ? `check firewalls and security groups: port ${port} must be open to KMS` : `start the proxy, or check that it listens on ${port}`,
    };
  }
}
