/**
 * @module harness/watch/run-watch
 * The watch loop: a round every --interval seconds (the certificate, GetHealthStatus, and per --key-id
 * GetKeyMetadata and an encrypt → decrypt round trip), its calls recorded as KMS's CloudWatch metrics would
 * record them (src/metrics/xks-metrics.ts), the state judged (state.ts) and logged when it changes. Rounds never
 * overlap: one that overruns the interval is followed at once by the next.
 */
import { baseUrl, xksTarget } from "../../src/client/index.js";
import { XksMetrics } from "../../src/metrics/xks-metrics.js";
import { listenFailure, stopSignals } from "../../src/bin/xks-mock-start.js";
import { EXIT, UsageError } from "../common/usage-error.js";
import { colorWanted, painter } from "../report/style.js";
import { healthCall, keyCalls, metricError, metricSeconds, RecordingClient } from "./calls.js";
import { readCertificate } from "./certificate.js";
import { formatEvent, type WatchEvent } from "./log.js";
import { startMetricsServer, type StartedMetricsServer } from "./metrics-server.js";
import type { WatchOptions } from "./options.js";
import { judgeRound, reachedProxy, type RoundResult, type WatchState } from "./state.js";

export interface WatchIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** One round of calls, recorded into `metrics`. */
export async function runRound(o: WatchOptions, client: RecordingClient, metrics: XksMetrics): Promise<RoundResult> {
  const startedAt = Date.now();
  const certificate = await readCertificate(o.settings.endpoint, { ca: o.ca, clientCert: o.clientCert, timeoutMs: o.timeoutMs });
  const health = await healthCall(client, o.timeoutMs);
  const calls = [health.call];
  for (const keyId of o.keyIds) calls.push(...(await keyCalls(client, keyId, o.timeoutMs)));
  const id = o.customKeyStoreId;
  for (const c of calls) metrics.observeCall({ customKeyStoreId: id, xksOperation: c.xksOperation, kmsOperation: c.kmsOperation, seconds: metricSeconds(c), error: metricError(c.outcome) });
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
  const signals = o.once ? undefined : stopSignals();
  let signal = "SIGTERM";
  const onSignal = (s: NodeJS.Signals) => void (signal = s);
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  const client = new RecordingClient(xksTarget(o.settings, o.region), { ca: o.ca, timeoutMs: o.timeoutMs, ...(o.clientCert ?? {}) });
  log({ event: "start", endpoint: baseUrl(o.settings), intervalS: o.intervalS, metrics: server?.url ?? null, customKeyStoreId: o.customKeyStoreId });
  let state: WatchState | null = null;
  try {
    for (let n = 1; ; n++) {
      const round = await runRound(o, client, metrics);
      const j = judgeRound(round);
      if (j.state !== state) log({ event: "state", round: n, from: state, to: j.state, reasons: j.reasons });
      state = j.state;
      if (live) io.stderr.write(`\rround ${n}: ${j.state}, ${round.calls.length} call(s), next in ${o.intervalS} s   `);
      if (o.once) return j.state === "healthy" ? EXIT.pass : EXIT.fail;
      const wait = Math.max(0, round.startedAt + o.intervalS * 1000 - Date.now());
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, wait))), signals!.stopped]);
      clearTimeout(timer);
      if (signals!.requested()) {
        if (live) io.stderr.write("\n");
        log({ event: "stop", signal });
        return EXIT.pass;
      }
    }
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    await server?.close();
    await client.close();
  }
}
