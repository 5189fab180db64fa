/**
 * Answers that would hold the harness or make it buffer without limit: a body dripped one byte at a time forever
 * (only a deadline on the whole call ends it, the per-gap timeouts never fire) and a body over the client's size
 * cap (KMS cannot read such an answer: an invalid response, not an unreachable proxy).
 */
import { afterEach, describe, expect, it } from "vitest";
import { attempt, MAX_RESPONSE_BYTES, randomXksCredential, trustAnchors, XksClient } from "../src/client/index.js";
import { runCheck } from "../harness/check/run-check.js";
import { checkOf, checkOptions, expectPrediction, settingsFor, statuses } from "./helpers/check-options.js";
import { startHostileProxy, type HostileProxyOptions, type HostileServer } from "./helpers/hostile-servers.js";
import { pem } from "./helpers/proxy-fixture.js";

const PATH = "/hostile/kms/xks/v1";
const cred = randomXksCredential();
const TIMEOUT_MS = 1000;
const running: HostileServer[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function serve(o: Pick<HostileProxyOptions, "goodCalls" | "then">): Promise<HostileServer> {
  const server = await startHostileProxy({ tls: { cert: pem("serverCert"), key: pem("serverKey") }, basePath: PATH, credential: cred, ...o });
  running.push(server);
  return server;
}

describe("an answer that drips its body one byte at a time, forever", () => {
  it("ends an XksClient call at --timeout-ms (headers came at once, the body never ends) and classifies it as a timeout", async () => {
    const s = await serve({ goodCalls: 0, then: "drip" });
    const client = new XksClient({ baseUrl: `https://localhost:${s.port}${PATH}`, region: "us-east-1", credential: cred }, { ca: trustAnchors([pem("caCert")]), timeoutMs: TIMEOUT_MS });
    try {
      const start = performance.now();
      const outcome = await attempt(() => client.health(), TIMEOUT_MS);
      const elapsed = performance.now() - start;
      expect(outcome).toEqual({ ok: false, failure: "Timeout", detail: `no response within ${TIMEOUT_MS} ms` });
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(3 * TIMEOUT_MS);
    } finally {
      await client.close();
    }
  });

  it("after 4 good calls: check ends within a few --timeout-ms, latency fails with a timeout (update runs this same check)", async () => {
    const s = await serve({ goodCalls: 4, then: "drip" });
    const start = performance.now();
    const report = await runCheck(checkOptions(settingsFor(s.port, PATH, cred), { timeoutMs: TIMEOUT_MS }));
    const elapsed = performance.now() - start;

    // auth (1 call), rejects-bad-signature (2) and path (1) got good answers; latency met the drip.
    expect(statuses(report)).toMatchObject({ auth: "pass", "rejects-bad-signature": "pass", path: "pass", latency: "fail" });
    expect(checkOf(report, "latency")).toMatchObject({ failure: "Timeout", detail: `a health call failed after 0 good ones: no complete answer within ${TIMEOUT_MS} ms` });
    expect(s.calls).toBe(5);
    expect(elapsed).toBeLessThan(4 * TIMEOUT_MS);
    expectPrediction(report, "fail", "XksProxyUriUnreachableException", "XKS_PROXY_TIMED_OUT");
  });
});

describe("an answer over the size cap", () => {
  it("is an invalid response (XksProxyInvalidResponseException), not an unreachable proxy", async () => {
    const s = await serve({ goodCalls: 0, then: "oversize" });
    const report = await runCheck(checkOptions(settingsFor(s.port, PATH, cred), { timeoutMs: 5000 }));

    expect(checkOf(report, "auth")).toMatchObject({
      status: "fail",
      failure: "MalformedResponse",
      detail: expect.stringContaining(`the answer is longer than ${MAX_RESPONSE_BYTES} bytes`),
    });
    expectPrediction(report, "fail", "XksProxyInvalidResponseException", "XKS_PROXY_INVALID_RESPONSE");
  });
});
