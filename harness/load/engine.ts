/**
 * @module harness/load/engine
 * How `load` sends a request: signed as KMS signs (src/xks/sigv4/sign-headers.ts: SigV4 from a signing key
 * derived once a day, not four HMACs and aws4's string building per request) and dispatched straight to the
 * connection pool with a callback handler (no response stream, async iterator or per-request AbortSignal timer).
 * The whole-exchange deadline stays: one sweep every SWEEP_MS aborts every exchange past its deadline (at most
 * SWEEP_MS late), with an error classify.ts reads as a timeout. The answer is bounded as XksClient bounds it.
 * Measured on 2 cores (docs in bench/README.md), this is where most of load's CPU per request went.
 */
import type { Dispatcher } from "undici";
import { MAX_RESPONSE_BYTES, ResponseTooLargeError, type XksResponse, type XksTarget } from "../../src/client/index.js";
import { signXksHeaders } from "../../src/xks/sigv4/sign-headers.js";

/** How often in-flight exchanges are checked against their deadline: the most a timeout is reported late. */
const SWEEP_MS = 20;

interface Exchange {
  deadline: number;
  abort?: ((err: Error) => void) | undefined;
  fail(err: Error): void;
}

/** The error an exchange past its deadline fails with: classify.ts's timeout (its code says TIMEOUT). */
function deadlineError(timeoutMs: number): Error {
  const err = new Error(`no answer within ${timeoutMs} ms`);
  return Object.assign(err, { name: "TimeoutError", code: "XKS_LOAD_TIMEOUT" });
}

export class LoadEngine {
  readonly #target: XksTarget;
  readonly #origin: string;
  readonly #host: string;
  readonly #basePath: string;
  readonly #dispatcher: Dispatcher;
  readonly #timeoutMs: number;
  readonly #inFlight = new Set<Exchange>();
  readonly #sweep: NodeJS.Timeout;

  constructor(target: XksTarget, dispatcher: Dispatcher, timeoutMs: number) {
    const url = new URL(target.baseUrl);
    this.#target = target;
    this.#origin = url.origin;
    this.#host = url.host;
    this.#basePath = url.pathname.replace(/\/+$/, "");
    this.#dispatcher = dispatcher;
    this.#timeoutMs = timeoutMs;
    this.#sweep = setInterval(() => this.#expire(), SWEEP_MS);
    this.#sweep.unref();
  }

  #expire(): void {
    if (this.#inFlight.size === 0) return;
    const now = performance.now();
    for (const x of this.#inFlight) if (now >= x.deadline) x.fail(deadlineError(this.#timeoutMs));
  }

  /** Signs and POSTs `body` (JSON) to the API path `path` (e.g. /keys/foo/encrypt); the answer, read whole. */
  send(path: string, body: unknown): Promise<XksResponse> {
    const text = JSON.stringify(body);
    const fullPath = this.#basePath + path;
    const { credential, region } = this.#target;
    const signing = { host: this.#host, path: fullPath, body: text, region, credential, date: new Date() };
    const headers = signXksHeaders(signing) as unknown as Record<string, string>;
    const start = performance.now();
    return new Promise<XksResponse>((resolve, reject) => {
      let settled = false;
      let status = 0;
      let size = 0;
      const chunks: Buffer[] = [];
      const exchange: Exchange = {
        deadline: start + this.#timeoutMs,
        fail: (err) => {
          if (settled) return;
          settled = true;
          this.#inFlight.delete(exchange);
          // Aborting also destroys a body still being read (as XksClient's AbortSignal does).
          exchange.abort?.(err);
          reject(err);
        },
      };
      this.#inFlight.add(exchange);
      const handler: Dispatcher.DispatchHandler = {
        onConnect: (abort) => {
          exchange.abort = abort;
        },
        onHeaders: (statusCode) => {
          status = statusCode;
          return true;
        },
        onData: (chunk) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) exchange.fail(new ResponseTooLargeError(MAX_RESPONSE_BYTES));
          else chunks.push(chunk);
          return true;
        },
        onComplete: () => {
          if (settled) return;
          settled = true;
          this.#inFlight.delete(exchange);
          const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          const responseText = whole.toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(responseText);
          } catch {
            json = undefined;
          }
          // Load reads status and body only: the headers are not parsed into an object.
          resolve({ status, headers: {}, text: responseText, json, ms: performance.now() - start });
        },
        onError: (err) => exchange.fail(err),
      };
      this.#dispatcher.dispatch({ origin: this.#origin, path: fullPath, method: "POST", headers, body: text }, handler);
    });
  }

  /** Stops the deadline sweep; the pool is the caller's to close. */
  close(): void {
    clearInterval(this.#sweep);
  }
}
