/**
 * `xks-mock` stops on a signal whatever state its stdout is in. The case that hung it: the request log goes to a
 * pipe nobody reads (`xks-mock | less` left at a prompt, a stuck log shipper). The child's stdout pipe here is never
 * read: the requests below log until the pipe and the reader's buffer are full and the mock's writes queue; then a
 * SIGTERM must end it within the stop deadline, and a second signal must end it at once.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import { join } from "node:path";
import { Pool } from "undici";
import { describe, expect, it, type TestContext } from "vitest";
import { packageRoot } from "../src/package-root.js";
import { DEFAULT_PATH_PREFIX, PUBLIC_TEST_CREDENTIAL } from "../src/proxy/config-schema.js";
import { signXksRequest } from "../src/xks/sigv4/sign.js";
import { scrubbedEnv } from "./helpers/cli-process.js";

const ROOT = packageRoot();
const CLI = join(ROOT, "dist/src/bin/xks-mock.js");
/** README "Mock": a stop signal ends the mock within 5 s. The margin covers a loaded machine's slow exit. */
const STOP_DEADLINE_MS = 5000;
const MARGIN_MS = 1500;
/** A second signal ends the process "at once": well under the 2 s the first one gives requests in flight. */
const AT_ONCE_MS = 1000;
/** Log lines written once the reader stopped: far more than a pipe (64 KiB) holds, so the mock's writes queue. */
const EXTRA_LINE_BYTES = 512 * 1024;
const TEST_MS = 60_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when it exited. */
  at: number;
}

interface Mock {
  child: ChildProcessWithoutNullStreams;
  origin: string;
  exit: Promise<Exit>;
}

/** The child's exit, or undefined if it is still running after `ms`. */
function exitWithin(mock: Mock, ms: number): Promise<Exit | undefined> {
  return Promise.race([mock.exit, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms))]);
}

async function startMockWithUnreadStdout(t: TestContext): Promise<Mock> {
  const child = spawn(process.execPath, [CLI, "--no-kms", "--http", "--port", "0", "--admin-port", "off"], {
    cwd: ROOT,
    env: scrubbedEnv({ NO_COLOR: "1" }),
  });
  // Never read: the parent fills its buffer, then stops reading, and the pipe fills behind it.
  child.stdout.pause();
  const exit = new Promise<Exit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, at: performance.now() })));
  t.onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const origin = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = stderr.match(/xks-mock listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]!);
    };
    child.stderr.on("data", onData);
    child.once("exit", () => reject(new Error(`xks-mock exited before its banner:\n${stderr}`)));
  });
  return { child, origin, exit };
}

/** Sends /ping requests (one log line each) until the reader is full, then EXTRA_LINE_BYTES more of lines. */
async function stallStdout(mock: Mock): Promise<void> {
  const pool = new Pool(mock.origin, { connections: 8 });
  const ping = async () => {
    const res = await pool.request({ path: "/ping", method: "GET" });
    await res.body.dump();
  };
  try {
    const stdout = mock.child.stdout;
    while (stdout.readableLength < stdout.readableHighWaterMark) await Promise.all(Array.from({ length: 50 }, ping));
    // One /ping line is ~200 bytes.
    for (let sent = 0; sent < EXTRA_LINE_BYTES; sent += 50 * 150) await Promise.all(Array.from({ length: 50 }, ping));
  } finally {
    await pool.close();
  }
}

describe.concurrent("xks-mock whose stdout is a pipe nobody reads", () => {
  it("SIGTERM → exit 0 within the stop deadline", { timeout: TEST_MS }, async (t) => {
    const mock = await startMockWithUnreadStdout(t);
    await stallStdout(mock);
    const sentAt = performance.now();
    mock.child.kill("SIGTERM");
    const exit = await exitWithin(mock, STOP_DEADLINE_MS + MARGIN_MS);
    expect(exit, "still running after the stop deadline").toBeDefined();
    expect({ code: exit!.code, signal: exit!.signal }).toEqual({ code: 0, signal: null });
    expect(exit!.at - sentAt).toBeLessThan(STOP_DEADLINE_MS + MARGIN_MS);
  });

  it("a second signal during the stop → exit 130 at once", { timeout: TEST_MS }, async (t) => {
    const mock = await startMockWithUnreadStdout(t);
    await stallStdout(mock);
    // A signed request in flight (its body never completes) keeps the clean stop waiting for it.
    const { hostname, port, host } = new URL(mock.origin);
    const socket = connect(Number(port), hostname);
    t.onTestFinished(() => void socket.destroy());
    await once(socket, "connect");
    socket.write(partialSignedRequest(host));
    mock.child.kill("SIGTERM");
    // The first signal is handled (the listener stops accepting) before the second is sent.
    await expect.poll(() => connectRefused(hostname, Number(port)), { timeout: STOP_DEADLINE_MS }).toBe(true);
    const sentAt = performance.now();
    mock.child.kill("SIGINT");
    const exit = await exitWithin(mock, STOP_DEADLINE_MS + MARGIN_MS);
    expect(exit, "still running after the second signal").toBeDefined();
    expect({ code: exit!.code, signal: exit!.signal }).toEqual({ code: 130, signal: null });
    expect(exit!.at - sentAt).toBeLessThan(AT_ONCE_MS);
  });
});

/** A health request signed with the default credential, cut off after its first body byte. */
function partialSignedRequest(host: string): string {
  const path = `${DEFAULT_PATH_PREFIX}/kms/xks/v1/health`;
  const body = JSON.stringify({ requestMetadata: { kmsRequestId: "stall-1", kmsOperation: "KmsHealthCheck" } });
  const signed = signXksRequest({ host, path, body, region: "us-east-1", credential: PUBLIC_TEST_CREDENTIAL, date: new Date() });
  const headers = Object.entries(signed).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  return `POST ${path} HTTP/1.1\r\n${headers}content-length: ${body.length}\r\n\r\n${body.slice(0, 1)}`;
}

/** Whether a new connection to the port is refused (the listener closed). */
async function connectRefused(host: string, port: number): Promise<boolean> {
  const s = connect(port, host);
  try {
    await once(s, "connect");
    return false;
  } catch {
    return true;
  } finally {
    s.destroy();
  }
}
