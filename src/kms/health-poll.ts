/**
 * @module kms/health-poll
 * KMS's periodic GetHealthStatus of every connected external key store, with kmsOperation "KmsHealthCheck" (spec,
 * "GetHealthStatus": KMS polls every few minutes and publishes what it learns to CloudWatch). Here it keeps the
 * key-manager states and `up` of kms/proxy-metrics current. It changes no store's state: a failing poll is a metric,
 * not a disconnection. Rounds never overlap (the next is scheduled when one ends), each call has the gateway's
 * deadline, and a few stores are polled at a time.
 */
import type { Logger } from "pino";
import { DAY_MS } from "../pki/certificate-expiry.js";
import type { StateStore } from "./state-store.js";
import type { XksGateway } from "./xks-gateway.js";

/** "Every few minutes". @default of StartLocalKmsOptions.healthCheckIntervalMs */
export const DEFAULT_HEALTH_CHECK_INTERVAL_MS = 180_000;
/** A day: longer would be no poll at all (and past 2^31 ms a timer fires at once). */
export const MAX_HEALTH_CHECK_INTERVAL_MS = DAY_MS;

/**
 * The one rule for the interval, in the unit of the field the user wrote (`unitMs`: 1 for milliseconds, 1000 for
 * seconds): a whole number from 1 ms to MAX_HEALTH_CHECK_INTERVAL_MS. Why not, naming `field`; undefined when it is one.
 */
export function healthCheckIntervalProblem(value: unknown, field: string, unitMs: 1 | 1000 = 1): string | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value * unitMs >= 1 && value * unitMs <= MAX_HEALTH_CHECK_INTERVAL_MS) return undefined;
  const unit = unitMs === 1 ? "milliseconds" : "seconds";
  return `${field} must be a whole number of ${unit} from 1 to ${MAX_HEALTH_CHECK_INTERVAL_MS / unitMs} (a day), not ${JSON.stringify(value)}`;
}

/** Stores polled at once: a round of many stores stays a few seconds, and never a burst of hundreds of connections. */
const CONCURRENCY = 8;

interface StartedHealthPoll {
  /** Resolves when the round under way (if any) ends; no round starts after. */
  stop(): Promise<void>;
}

export function startHealthPoll(o: { store: StateStore; gateway: XksGateway; intervalMs: number; logger: Logger }): StartedHealthPoll {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;

  const pollOnce = async () => {
    const connected = o.store.state.customKeyStores.filter((s) => s.connectionState === "CONNECTED");
    let next = 0;
    const worker = async () => {
      while (!stopped && next < connected.length) {
        const rec = connected[next++]!;
        // The outcome reaches the metrics through the gateway's onCall; nothing else is done with it.
        await o.gateway.health(rec, "KmsHealthCheck");
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, connected.length) }, worker));
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      round = pollOnce()
        .catch((err: Error) => o.logger.error({ reason: err.message }, "health poll failed"))
        .finally(() => {
          round = undefined;
          schedule();
        });
    }, o.intervalMs);
    // A process with nothing else to do may exit: the poll alone does not keep it alive.
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
    },
  };
}
