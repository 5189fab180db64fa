/**
 * @module bin/xks-mock-start
 * What `xks-mock` needs to start or stop without leaving a half-started process: signal handling that always ends
 * the process, and refusals that name the flag to change.
 */

/** A stop that takes longer than this (a request that will not finish) ends the process anyway. */
const STOP_DEADLINE_MS = 5000;
/** After a failed start, what was opened gets this long to close before the process exits regardless. */
export const FAILED_START_EXIT_MS = 300;

/**
 * SIGINT/SIGTERM, installed before anything that can hang: the first asks for a clean stop (exit 0) and ends the
 * process after STOP_DEADLINE_MS whatever is still open; a second ends it at once (128 + the signal's number).
 * `signal` aborts on the first, its reason the signal's name (e.g. for a timer of `timers/promises` to end early);
 * `received()` is that name, undefined before.
 */
export function stopSignals(): { requested: () => boolean; received: () => NodeJS.Signals | undefined; stopped: Promise<void>; signal: AbortSignal } {
  let received: NodeJS.Signals | undefined;
  const abort = new AbortController();
  const stopped = new Promise<void>((resolve) => abort.signal.addEventListener("abort", () => resolve(), { once: true }));
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) process.exit(128 + (signal === "SIGINT" ? 2 : 15));
    received = signal;
    setTimeout(() => process.exit(process.exitCode ?? 0), STOP_DEADLINE_MS).unref();
    abort.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return { requested: () => received !== undefined, received: () => received, stopped, signal: abort.signal };
}

/** Ports below this need privileges to listen on (Linux's default net.ipv4.ip_unprivileged_port_start). */
const PRIVILEGED_PORTS_END = 1024;

/** Which flag sets the port a listen error is about, for a message that names it. */
export function listenFailure(err: unknown, listeners: { flag: string; what: string; port: number | null | undefined }[]): string | undefined {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  const reasons: Record<string, string> = { EADDRINUSE: "the address is in use", EACCES: "permission denied", EADDRNOTAVAIL: "the address is not available here" };
  const reason = e?.code ? reasons[e.code] : undefined;
  if (!reason) return undefined;
  if (e.code === "EADDRNOTAVAIL") return `cannot listen on ${e.address ?? "that address"}: ${reason}. Fix: choose another --host`;
  const l = listeners.find((x) => x.port === e.port) ?? listeners[0]!;
  const port = e.port ?? l.port;
  const where = `cannot listen on ${e.address ?? "127.0.0.1"}:${port} for the ${l.what}`;
  // Below 1024 only root (or a process with CAP_NET_BIND_SERVICE) may listen: nothing else holds the port.
  if (e.code === "EACCES" && port && port < PRIVILEGED_PORTS_END) {
    return (
      `${where}: ports below ${PRIVILEGED_PORTS_END} need privileges (root or CAP_NET_BIND_SERVICE). ` +
      `Fix: choose a ${l.flag} of ${PRIVILEGED_PORTS_END} or above (0 = any free port)`
    );
  }
  const stop = e.code === "EADDRINUSE" ? ", or stop what uses it" : "";
  return `${where}: ${reason}. Fix: choose another ${l.flag} (0 = any free port)${stop}`;
}

/** Two listeners told to share a port would fail on the second: refused before anything listens. */
export function portClash(ports: { flag: string; port: number | null | undefined }[]): string | undefined {
  const set = ports.filter((p) => p.port);
  for (let i = 0; i < set.length; i++) {
    for (let j = i + 1; j < set.length; j++) {
      if (set[i]!.port === set[j]!.port) return `${set[i]!.flag} and ${set[j]!.flag} are both ${set[i]!.port}. Fix: give each its own port (0 = any free port)`;
    }
  }
  return undefined;
}
