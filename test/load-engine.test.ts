/**
 * load's request engine (harness/load/engine.ts) against real TLS servers: a good answer is signed as KMS signs and
 * verified; an answer dripped forever still ends at the whole-exchange deadline, as a timeout; an answer over the
 * size cap is an invalid response. What XksClient guarantees, the engine keeps.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Agent } from "undici";
import { classifyThrown, MAX_RESPONSE_BYTES, randomXksCredential, trustAnchors } from "../src/client/index.js";
import { verifyHealthAnswer } from "../src/xks/index.js";
import { LoadEngine } from "../harness/load/engine.js";
import { startHostileProxy, type HostileServer } from "./helpers/hostile-servers.js";
import { pem } from "./helpers/proxy-fixture.js";

const PATH = "/hostile/kms/xks/v1";
const cred = randomXksCredential();
const TIMEOUT_MS = 800;
const running: { stop(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function engineFor(o: { goodCalls: number; then: "drip" | "oversize" }): Promise<{ server: HostileServer; engine: LoadEngine }> {
  const server = await startHostileProxy({ tls: { cert: pem("serverCert"), key: pem("serverKey") }, basePath: PATH, credential: cred, ...o });
  const agent = new Agent({ connect: { ca: trustAnchors([pem("caCert")]) } });
  const engine = new LoadEngine({ baseUrl: `https://localhost:${server.port}${PATH}`, region: "us-east-1", credential: cred }, agent, TIMEOUT_MS);
  running.push(server, { stop: async () => void (engine.close(), await agent.close()) });
  return { server, engine };
}

const health = { requestMetadata: { kmsRequestId: "r", kmsOperation: "KmsHealthCheck" } };

describe("load's request engine", () => {
  it("sends a request the proxy's SigV4 check accepts, and reads the whole answer", async () => {
    const { engine } = await engineFor({ goodCalls: 1, then: "drip" });
    const res = await engine.send("/health", health);
    expect(res.status).toBe(200);
    expect(verifyHealthAnswer(res.json).ok).toBe(true);
  });

  it("ends an answer dripped forever at the deadline, as a timeout (KMS's view: a KMS timeout)", async () => {
    const { engine } = await engineFor({ goodCalls: 0, then: "drip" });
    const start = performance.now();
    const err = await engine.send("/health", health).then(() => undefined, (e: unknown) => e);
    const elapsed = performance.now() - start;
    expect(err).toBeInstanceOf(Error);
    expect(classifyThrown(err, TIMEOUT_MS)).toEqual({ kind: "kms-timeout" });
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(elapsed).toBeLessThan(3 * TIMEOUT_MS);
  });

  it("stops reading an answer over the size cap: an invalid response", async () => {
    const { engine } = await engineFor({ goodCalls: 0, then: "oversize" });
    const err = await engine.send("/health", health).then(() => undefined, (e: unknown) => e);
    expect(classifyThrown(err, TIMEOUT_MS)).toMatchObject({ kind: "error", exceptionName: "MalformedResponse", detail: `the answer is longer than ${MAX_RESPONSE_BYTES} bytes; no XKS answer comes near that` });
  });
});
