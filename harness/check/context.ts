/**
 * @module harness/check/context
 * What the checks of one run share: the options, the parsed endpoint, the trust store, what earlier steps found.
 */
import type { SecureContext } from "node:tls";
import { trustAnchors, type XksClient, xksClientTlsContext } from "../../src/client/index.js";
import { createClientSet } from "../common/client-set.js";
import { parseEndpoint, type ParsedEndpoint } from "../common/endpoint.js";
import type { XksSettings } from "../common/settings.js";
import { emptyTimings, type CheckOptions, type CheckTimings } from "./types.js";

export interface CheckContext {
  options: CheckOptions;
  endpoint: ParsedEndpoint;
  /** Node's bundled roots plus --ca: what a verifying client here trusts. */
  trust: string[];
  /** IPv4 addresses found by the dns check. */
  addresses: string[];
  timings: CheckTimings;
  verbose: string[];
  /** A client for some settings; closed at the end of the run. */
  clientFor(settings: XksSettings): XksClient;
  /** The TLS a KMS-like client offers (xksClientTlsContext), with the run's client certificate if any, built once per run for the checks that time handshakes. */
  xksTls(): SecureContext;
  close(): Promise<void>;
}

export function createContext(options: CheckOptions): CheckContext {
  const endpoint = parseEndpoint(options.settings.endpoint);
  if (!endpoint) throw new Error("endpoint must be validated before a context is made");
  const trust = trustAnchors(options.extraCa);
  // One pool for the run: its TLS context (all roots + --ca) is built once, not per client.
  const clients = createClientSet({ ca: trust, region: options.region, timeoutMs: options.timeoutMs, clientCert: options.clientCert });
  let xksTls: SecureContext | undefined;
  return {
    options,
    endpoint,
    trust,
    addresses: [],
    timings: emptyTimings(),
    verbose: [],
    clientFor: (settings) => clients.clientFor(settings),
    xksTls() {
      // Parsing ~140 roots takes longer than a local call: never inside a timed step, and only once.
      xksTls ??= xksClientTlsContext(trust, options.clientCert);
      return xksTls;
    },
    close: () => clients.close(),
  };
}

/** Rejects with an Error whose code is ETIMEDOUT when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} took longer than ${ms} ms`), { code: "ETIMEDOUT" })), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
