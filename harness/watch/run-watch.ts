/**
 * @module harness/watch/run-watch
 * The watch loop: a round every --interval seconds (the certificate, GetHealthStatus, and per --key-id
 * GetKeyMetadata and an encrypt → decrypt round trip), its calls recorded as KMS's CloudWatch metrics would
 * record them (src/metrics/xks-metrics.ts), the state judged (state.ts) and logged when it changes. Rounds never
 * overlap: one that overruns the interval is followed at once by the next.
 */
import type { SecureContext } from "node:tls";
import { setTimeout as sleep } from "node:timers/promises";
import { baseUrl, xksClientTlsContext, xksTarget } from "../../src/client/index.js";
import { XksMetrics } from "../../src/metrics/xks-metrics.js";
import { listenFailure, stopSignals } from "../../src/bin/xks-mock-start.js";
import { EXIT, UsageError } from "../common/usage-error.js";
import { colorWanted, painter } from "../report/style.js";
import { healthCall, keyCalls, proxyCall, RecordingClient } from "./calls.js";
import { readCertificate } from "./certificate.js";
import { formatEvent, type WatchEvent } from "./log.js";
import { startMetricsServer, type StartedMetricsServer } from "./metrics-server.js";
import type { WatchOptions } from "./options.js";
import { judgeRound, reachedProxy, type RoundResult, type WatchState } from "./state.js";

interface WatchIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** One round of calls, recorded into `metrics`; `tls` is the context of the certificate's handshake. */
async function runRound(o: WatchOptions, client: RecordingClient, metrics: XksMetrics, tls: SecureContext): Promise<RoundResult> {
  const startedAt = Date.now();
  const certificate = await readCertificate(o.settings.endpoint, { secureContext: tls, timeoutMs: o.timeoutMs });
  const health = await healthCall(client, o.timeoutMs);
  const calls = [health.call];
  for (const keyId of o.keyIds) calls.push(...(await keyCalls(client, keyId, o.timeoutMs)));
  const id = o.customKeyStoreId;
  for (const c of calls) metrics.observeCall(proxyCall(c, id));
  if (health.fleet) metrics.setKeyManagerStates(id, health.fleet);
  if (certificate.ok) metrics.setCertificateDaysToExpire(id, certificate.name, certificate.daysToExpire);
  const round: RoundResult = { startedAt, calls, fleet: health.fleet, certificate };
  metrics.setUp(id, reachedProxy(round));
  return round;
}

export async function runWatch(o: WatchOptions, io: WatchIo): Promise<number> {
  const paint = painter(o.color && colorWanted(io.stdout, false));
  const log = (e: WatchEvent) => io.stdout.write(formatEvent(e, new Date(), o.json, paint));
  // Progress as in `load`: on a terminal, never with --json.
  const live = !o.json && io.stderr.isTTY === true;
  const metrics = new XksMetrics();
  // Running until stopped: SIGINT/SIGTERM stop it cleanly. With --once nothing is installed, so Ctrl-C ends the
  // round as it ends any process.
  const signals = o.once ? undefined : stopSignals();
  let server: StartedMetricsServer | undefined;
  if (!o.once) {
    try {
      server = await startMetricsServer(metrics, o.metricsHost, o.metricsPort);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === "EADDRNOTAVAIL" || e.code === "ENOTFOUND") throw new UsageError(`cannot listen on ${o.metricsHost}: the address is not available here. Fix: choose another --metrics-host`);
      throw new UsageError(listenFailure(err, [{ flag: "--metrics-port", what: "metrics endpoint", port: o.metricsPort }]) ?? `cannot listen on ${o.metricsHost}:${o.metricsPort}: ${e.message}`);
    }
  }
  // Node's ~140 roots parsed once per run, not once per round.
  const tls = xksClientTlsContext(o.ca, o.clientCert);
  const client = new RecordingClient(xksTarget(o.settings, o.region), { ca: o.ca, timeoutMs: o.timeoutMs, ...(o.clientCert ?? {}) });
  log({ event: "start", endpoint: baseUrl(o.settings), intervalS: o.intervalS, metrics: server?.url ?? null, customKeyStoreId: o.customKeyStoreId });
  let state: WatchState | null = null;
  try {
    for (let n = 1; ; n++) {
      const round = await runRound(o, client, metrics, tls);
      const j = judgeRound(round);
      if (j.state !== state) log({ event: "state", round: n, from: state, to: j.state, reasons: j.reasons });
      state = j.state;
      if (live) io.stderr.write(`\rround ${n}: ${j.state}, ${round.calls.length} call(s), next in ${o.intervalS} s   `);
      if (o.once) return j.state === "healthy" ? EXIT.pass : EXIT.fail;
      const wait = Math.max(0, round.startedAt + o.intervalS * 1000 - Date.now());
      // Ends early (AbortError) on a stop; the timer and its listener go with it, nothing is left per round.
      await sleep(wait, undefined, { signal: signals!.signal }).catch((err: Error) => {
        if (err.name !== "AbortError") throw err;
      });
      const signal = signals!.received();
      if (signal) {
        if (live) io.stderr.write("\n");
        log({ event: "stop", signal });
        return EXIT.pass;
      }
    }
  } finally {
    await server?.close();
    await client.close();
  }
}
