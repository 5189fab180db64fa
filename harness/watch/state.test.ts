/**
 * The states of `watch`, as README "Watch" defines them: failing when KMS would fail a request now, degraded
 * when every call succeeded but trouble is coming, healthy otherwise.
 */
import { describe, expect, it } from "vitest";
import type { WatchCall } from "./calls.js";
import { judgeRound, reachedProxy, type RoundResult } from "./state.js";

const ok = (xksOperation: WatchCall["xksOperation"], ms = 5): WatchCall => ({ xksOperation, kmsOperation: "x", ms, outcome: { kind: "ok" } });
const cert = { ok: true as const, name: "xks.example.com", daysToExpire: 90, validTo: "Mar  1 00:00:00 2027 GMT", trusted: true };
const active = [{ id: "ekm-1", model: "m", healthStatus: "ACTIVE" as const }, { id: "ekm-2", model: "m", healthStatus: "ACTIVE" as const }];
const round = (over: Partial<RoundResult> = {}): RoundResult => ({ startedAt: 0, calls: [ok("health"), ok("metadata"), ok("encrypt"), ok("decrypt")], fleet: active, certificate: cert, ...over });

describe("judgeRound", () => {
  it.each([
    { what: "every call fast and right", r: round(), state: "healthy", reason: undefined },
    { what: "one key manager DEGRADED", r: round({ fleet: [active[0]!, { ...active[1]!, healthStatus: "DEGRADED" }] }), state: "degraded", reason: "key manager DEGRADED: ekm-2" },
    { what: "one of two key managers UNAVAILABLE", r: round({ fleet: [active[0]!, { ...active[1]!, healthStatus: "UNAVAILABLE" }] }), state: "degraded", reason: "key manager UNAVAILABLE: ekm-2" },
    { what: "a call over 200 ms (AWS's latency alarm)", r: round({ calls: [ok("health", 201)] }), state: "degraded", reason: "health took 201 ms" },
    { what: "a call at 200 ms", r: round({ calls: [ok("health", 200)] }), state: "healthy", reason: undefined },
    { what: "the certificate within 10 days (AWS's certificate alarm)", r: round({ certificate: { ...cert, daysToExpire: 9 } }), state: "degraded", reason: "certificate xks.example.com expires in 9 days" },
    { what: "the certificate at 10 days", r: round({ certificate: { ...cert, daysToExpire: 10 } }), state: "healthy", reason: undefined },
    { what: "the certificate not read", r: round({ certificate: { ok: false, reason: "no TLS handshake within 3000 ms" } }), state: "degraded", reason: "certificate not read: no TLS handshake within 3000 ms" },
    {
      what: "every key manager UNAVAILABLE (KMS: unreachable)",
      r: round({ fleet: active.map((k) => ({ ...k, healthStatus: "UNAVAILABLE" as const })) }),
      state: "failing",
      reason: "every key manager is UNAVAILABLE (ekm-1, ekm-2): KMS treats the proxy as unreachable",
    },
    {
      what: "a call failed",
      r: round({ calls: [ok("health"), { xksOperation: "metadata", kmsOperation: "CreateKey", keyId: "k", ms: 3, outcome: { kind: "error", errorType: "Non-retryable", exceptionName: "KeyNotFoundException", detail: "HTTP 404 KeyNotFoundException" } }] }),
      state: "failing",
      reason: "metadata k: KeyNotFoundException (Non-retryable): HTTP 404 KeyNotFoundException",
    },
    { what: "an answer after KMS's 250 ms", r: round({ calls: [{ ...ok("health", 260), outcome: { kind: "kms-timeout" } }] }), state: "failing", reason: "health: no answer within KMS's 250 ms (answered after 260 ms) (Timeout, Retryable)" },
  ])("$what: $state", ({ r, state, reason }) => {
    const j = judgeRound(r);
    expect(j.state).toBe(state);
    if (reason) expect(j.reasons.join("; ")).toContain(reason);
    else expect(j.reasons).toEqual([]);
  });

  it("up: some call got an HTTP answer", () => {
    expect(reachedProxy(round())).toBe(true);
    expect(reachedProxy(round({ calls: [{ xksOperation: "health", kmsOperation: "KmsHealthCheck", outcome: { kind: "error", errorType: "Retryable", exceptionName: "TcpFailure", detail: "ECONNREFUSED" } }] }))).toBe(false);
  });
});
