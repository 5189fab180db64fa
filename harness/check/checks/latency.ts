/**
 * @module harness/check/checks/latency
 * Check 8: several signed health calls on fresh and on reused connections, with DNS/TCP/TLS/TTFB phases, against
 * the spec's budget: KMS waits at most 250 ms for a whole call and advises a round trip of at most 35 ms.
 * node:https is used here rather than undici because its socket events expose each phase of a fresh connection.
 */
import { Agent, request } from "node:https";
import type { TLSSocket } from "node:tls";
import { KMS_PROXY_TIMEOUT_MS, RECOMMENDED_RTT_MS } from "../../../src/xks/constants.js";
import { signXksRequest } from "../../../src/xks/sigv4/sign.js";
import type { CheckContext } from "../context.js";
import { baseUrl } from "../../../src/client/index.js";
import { CHECK_TITLES, type CheckResult } from "../types.js";
import { percentile } from "../../../src/stats/percentile.js";
import { errorWords, libraryText } from "../../../src/error-words.js";

const FRESH_CALLS = 3;
const REUSED_CALLS = 5;

interface CallTiming {
  fresh: boolean;
  dnsMs: number | null;
  tcpMs: number | null;
  tlsMs: number | null;
  ttfbMs: number;
  totalMs: number;
  status: number;
}

function timedHealthCall(ctx: CheckContext, agent: Agent, fresh: boolean): Promise<CallTiming> {
  const url = new URL(`${baseUrl(ctx.options.settings)}/health`);
  const body = JSON.stringify({ requestMetadata: { kmsRequestId: crypto.randomUUID(), kmsOperation: "KmsHealthCheck" } });
  const s = ctx.options.settings;
  const headers = signXksRequest({ host: url.host, path: url.pathname, body, region: ctx.options.region, credential: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey }, date: new Date() });
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const marks: { lookup?: number; connect?: number; secure?: number } = {};
    const req = request(
      url,
      { method: "POST", agent, family: 4, headers: { ...headers, "content-length": Buffer.byteLength(body) }, timeout: ctx.options.timeoutMs },
      (res) => {
        const ttfb = performance.now();
        res.resume();
        res.once("end", () => {
          clearTimeout(deadline);
          const end = performance.now();
          const phase = (from: number | undefined, to: number | undefined) => (from !== undefined && to !== undefined ? to - from : null);
          resolve({
            fresh,
            dnsMs: fresh ? phase(t0, marks.lookup) : null,
            tcpMs: fresh ? phase(marks.lookup ?? t0, marks.connect) : null,
            tlsMs: fresh ? phase(marks.connect, marks.secure) : null,
            ttfbMs: ttfb - (marks.secure ?? t0),
            totalMs: end - t0,
            status: res.statusCode ?? 0,
          });
        });
      },
    );
    req.once("socket", (socket: TLSSocket) => {
      socket.once("lookup", () => (marks.lookup = performance.now()));
      socket.once("connect", () => (marks.connect = performance.now()));
      socket.once("secureConnect", () => (marks.secure = performance.now()));
    });
    // The request's `timeout` is per gap (socket idle); this bounds the whole call, so an answer that drips a
    // byte now and then cannot hold the check open past --timeout-ms.
    const giveUp = (what: string) => {
      const err = Object.assign(new Error(`${what} within ${ctx.options.timeoutMs} ms`), { code: "ETIMEDOUT" });
      reject(err);
      req.destroy(err);
    };
    const deadline = setTimeout(() => giveUp("no complete answer"), ctx.options.timeoutMs);
    req.once("close", () => clearTimeout(deadline));
    req.once("timeout", () => giveUp("no answer"));
    req.once("error", reject);
    req.end(body);
  });
}

export async function latencyCheck(ctx: CheckContext): Promise<CheckResult> {
  const base = { id: "latency" as const, title: CHECK_TITLES["latency"] };
  const start = performance.now();
  // One secure context for all calls: building it takes longer than a local call, and would otherwise be counted
  // in every fresh connection.
  const secureContext = ctx.xksTls();
  const tls = { secureContext };
  const calls: CallTiming[] = [];
  try {
    for (let i = 0; i < FRESH_CALLS; i += 1) {
      const agent = new Agent({ keepAlive: false, ...tls });
      try {
        calls.push(await timedHealthCall(ctx, agent, true));
      } finally {
        agent.destroy();
      }
    }
    const reused = new Agent({ keepAlive: true, maxSockets: 1, ...tls });
    try {
      for (let i = 0; i < REUSED_CALLS; i += 1) calls.push(await timedHealthCall(ctx, reused, i > 0 ? false : true));
    } finally {
      reused.destroy();
    }
  } catch (err) {
    const timedOut = (err as NodeJS.ErrnoException).code === "ETIMEDOUT";
    // Our own deadline says what it waited for; a socket error is put in words (src/error-words.ts).
    const why = timedOut ? (err as Error).message.slice(0, 120) : (errorWords(err, { service: "the proxy" })?.cause ?? libraryText(err));
    if (!timedOut) ctx.verbose.push(`latency: ${libraryText(err)}`);
    return {
      ...base,
      status: "fail",
      ms: performance.now() - start,
      detail: `a health call failed after ${calls.length} good ones: ${why}`,
      failure: timedOut ? "Timeout" : "TcpFailure",
      fix: `the proxy must answer every call within ${KMS_PROXY_TIMEOUT_MS} ms`,
      data: { calls },
    };
  }
  const totals = calls.map((c) => c.totalMs).sort((a, b) => a - b);
  const p50 = percentile(totals, 50);
  const max = totals.at(-1)!;
  const rtt = Math.min(...calls.filter((c) => c.tcpMs !== null).map((c) => c.tcpMs!));
  ctx.timings.latencyP50Ms = p50;
  ctx.timings.latencyMaxMs = max;
  const fresh = calls.filter((c) => c.fresh);
  const avg = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  const phases = { dnsMs: avg(fresh.map((c) => c.dnsMs)), tcpMs: avg(fresh.map((c) => c.tcpMs)), tlsMs: avg(fresh.map((c) => c.tlsMs)), ttfbMs: avg(calls.map((c) => c.ttfbMs)) };
  const fmt = (n: number | null) => (n === null ? "-" : n.toFixed(1));
  const detail = `${calls.length} calls (${FRESH_CALLS} fresh connections): p50 ${fmt(p50)} ms, max ${fmt(max)} ms; fresh-connection phases dns ${fmt(phases.dnsMs)} / tcp ${fmt(phases.tcpMs)} / tls ${fmt(phases.tlsMs)} / ttfb ${fmt(phases.ttfbMs)} ms`;
  const data = { p50Ms: p50, maxMs: max, rttMs: Number.isFinite(rtt) ? rtt : null, phases, calls };
  const ms = performance.now() - start;
  if (max > KMS_PROXY_TIMEOUT_MS) {
    return { ...base, status: "fail", ms, detail: `${detail}; over the ${KMS_PROXY_TIMEOUT_MS} ms KMS waits, so some calls would time out`, failure: "Timeout", fix: `make the proxy answer in well under ${KMS_PROXY_TIMEOUT_MS} ms (connect + TLS + request), e.g. move it closer to the region or cache health`, data };
  }
  if (Number.isFinite(rtt) && rtt > RECOMMENDED_RTT_MS) {
    return { ...base, status: "warn", ms, detail: `${detail}; TCP round trip ${rtt.toFixed(1)} ms is above the ${RECOMMENDED_RTT_MS} ms the spec advises`, fix: "host the proxy closer to the AWS region", data };
  }
  return { ...base, status: "pass", ms, detail, data };
}
