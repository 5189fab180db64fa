/**
 * @module kms/start-local-kms
 * Starts the local KMS on HTTP (127.0.0.1:4599 by default) with its state file and proxy gateway.
 */
import { createServer, type Server } from "node:http";
import { applyConnectionLimits, closeConnectionsIdleBeforeFirstRequest, LISTENER_OPTIONS, type ConnectionLimits } from "../net/connection-limits.js";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { createLocalKmsApp, type RequestRecord } from "./app.js";
import type { LocalKmsOptions } from "./context.js";
import { parseEndpointServices, type EndpointServicesConfigInput } from "../ec2/index.js";
import { DEFAULT_HEALTH_CHECK_INTERVAL_MS, healthCheckIntervalProblem, startHealthPoll } from "./health-poll.js";
import { LocalKmsMetrics } from "./proxy-metrics.js";
import { answerKmsClientError } from "./request-refusals.js";
import { StateStore } from "./state-store.js";
import { vpcTarget } from "./vpc-stores.js";
import { XksGateway } from "./xks-gateway.js";

export const DEFAULT_KMS_PORT = 4599;

export interface StartLocalKmsOptions {
  host?: string;
  /** @default 4599; 0 = any free port */
  port?: number;
  /** Where state persists; in memory only when absent. Ignored when `store` is given. */
  stateFile?: string | undefined;
  /** A store already opened (StateStore.open), e.g. to refuse a bad --state before anything listens. Closed by stop(). */
  store?: StateStore;
  /** @default false */
  strict?: boolean;
  /** Trust anchors for proxies' certificates besides Node's roots (the dev CA, unless strict). */
  extraCa?: string[];
  /**
   * The client certificate presented to proxies that require mTLS, PEM: KMS presents one whose subject CN is
   * cks.kms.<region>.amazonaws.com (the dev PKI's client.pem). @default none
   */
  clientCert?: { cert: string; key: string } | undefined;
  /** @default 250 */
  proxyTimeoutMs?: number;
  /** @default 100 */
  connectDelayMs?: number;
  /** @default KMS_LIMITS */
  limits?: ConnectionLimits;
  /**
   * The VPC endpoint services the local cloud knows (ec2/endpoint-services): described by the EC2 calls on this
   * port, checked for VPC stores, and the targets connected VPC stores reach. Validated; none when absent.
   */
  endpointServices?: EndpointServicesConfigInput;
  /**
   * How often connected stores get KMS's periodic GetHealthStatus (kmsOperation KmsHealthCheck), which keeps the
   * key-manager states and `up` of GET /metrics current. @default 180000 (KMS polls "every few minutes")
   */
  healthCheckIntervalMs?: number | undefined;
  logger: Logger;
}

export interface StartedLocalKms {
  url: string;
  port: number;
  store: StateStore;
  requests: readonly RequestRecord[];
  /** Waits for asynchronous work in progress (connects). */
  idle(): Promise<void>;
  /** Stops listening, waits for state writes, and releases the state file's lock. */
  stop(): Promise<void>;
}

/** The local KMS's listener limits: SDK and CLI clients on this machine, each with a small keep-alive pool. */
const KMS_LIMITS = { idleTimeoutMs: 60_000, headersTimeoutMs: 10_000, maxConnections: 256 } as const;

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

export async function startLocalKms(o: StartLocalKmsOptions): Promise<StartedLocalKms> {
  const store = o.store ?? StateStore.open(o.stateFile);
  try {
    return await startWithStore(o, store);
  } catch (err) {
    // Nothing listens: give the state file back (its lock) so the caller can exit or retry.
    await store.close();
    throw err;
  }
}

async function startWithStore(o: StartLocalKmsOptions, store: StateStore): Promise<StartedLocalKms> {
  const endpointServices = parseEndpointServices(o.endpointServices ?? { endpointServices: [] });
  const options: LocalKmsOptions = { strict: o.strict ?? false, connectDelayMs: o.connectDelayMs ?? 100, endpointServices };
  const healthCheckIntervalMs = o.healthCheckIntervalMs ?? DEFAULT_HEALTH_CHECK_INTERVAL_MS;
  const intervalProblem = healthCheckIntervalProblem(healthCheckIntervalMs, "healthCheckIntervalMs");
  if (intervalProblem) throw new RangeError(`${intervalProblem}. Fix: give one in that range, or omit it for ${DEFAULT_HEALTH_CHECK_INTERVAL_MS}`);
  const gateway = new XksGateway({
    ...(o.proxyTimeoutMs ? { timeoutMs: o.proxyTimeoutMs } : {}),
    extraCa: options.strict ? [] : (o.extraCa ?? []),
    clientCert: o.clientCert,
    route: (s, region) => vpcTarget(endpointServices, s, region),
    // No call is made before `metrics` exists: the gateway calls only when asked to.
    onCall: (call) => metrics.observe(call),
  });
  const metrics = new LocalKmsMetrics(store, gateway);
  const pending = new Set<Promise<void>>();
  const background = (work: () => Promise<void>) => {
    const p = work()
      .catch((err: Error) => o.logger.error({ reason: err.message }, "background work failed"))
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  // A store left CONNECTING by a crash would stay so forever: finish what was interrupted.
  // One update (one write of the state file) for all of them.
  const interrupted = (x: { connectionState: string }) => x.connectionState === "CONNECTING" || x.connectionState === "DISCONNECTING";
  if (store.state.customKeyStores.some(interrupted)) {
    await store.update((st) => {
      for (const rec of st.customKeyStores.filter(interrupted)) {
        rec.connectionState = rec.connectionState === "CONNECTING" ? "FAILED" : "DISCONNECTED";
        if (rec.connectionState === "FAILED") rec.connectionErrorCode = "INTERNAL_ERROR";
      }
    });
  }
  const host = o.host ?? "127.0.0.1";
  // Known once it listens; no request arrives before.
  let port = 0;
  const listener = () => ({ port, host });
  const app = createLocalKmsApp({ store, gateway, options, logger: o.logger, background, metrics, listener });
  const server: Server = createServer(LISTENER_OPTIONS, app);
  const limits = o.limits ?? KMS_LIMITS;
  applyConnectionLimits(server, limits);
  server.on("clientError", answerKmsClientError(o.logger));
  closeConnectionsIdleBeforeFirstRequest(server, "connection", () => limits.idleTimeoutMs);
  await listen(server, o.port ?? DEFAULT_KMS_PORT, host);
  port = (server.address() as AddressInfo).port;
  const poll = startHealthPoll({ store, gateway, intervalMs: healthCheckIntervalMs, logger: o.logger });
  const idle = async () => {
    while (pending.size) await Promise.all([...pending]);
  };
  return {
    url: `http://${host}:${port}`,
    port,
    store,
    requests: app.requests,
    idle,
    async stop() {
      await poll.stop();
      await idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await gateway.close();
      await store.close();
    },
  };
}
