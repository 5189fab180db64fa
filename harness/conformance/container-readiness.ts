/**
 * @module harness/conformance/container-readiness
 * When a started container's proxy answers, seen from the host: a completed TLS handshake (or a TLS alert, which
 * also shows a proxy listening). A TCP connect is not enough, since Docker's port proxy accepts connections
 * before the proxy listens; and nothing runs inside the container, which may have no shell at all.
 */
import { isIP } from "node:net";
import { connect, type ConnectionOptions } from "node:tls";

const PROBE_INTERVAL_MS = 250;
const PROBE_TIMEOUT_MS = 2_000;

/** What {@link waitUntilAnswering} saw: an answer, the container gone, or the deadline passed. */
export type Readiness = { answered: true } | { answered: false; gone: true; why: string } | { answered: false; gone: false; lastTry: string };

/**
 * Polls until a TLS handshake with host:port completes, or the server answers with a TLS alert (it is up;
 * whether it is right is the suite's business), until `deadline` (a performance.now() time). `gone()` says
 * why the container no longer runs, or undefined while it does.
 */
export async function waitUntilAnswering(target: { host: string; port: number; cert?: Buffer; key?: Buffer }, deadline: number, gone: () => Promise<string | undefined>): Promise<Readiness> {
  for (;;) {
    const result = await tlsAnswers(target);
    if (result === true) return { answered: true };
    const why = await gone();
    if (why) return { answered: false, gone: true, why };
    if (performance.now() + PROBE_INTERVAL_MS > deadline) return { answered: false, gone: false, lastTry: result };
    await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
  }
}

function tlsAnswers(target: { host: string; port: number; cert?: Buffer; key?: Buffer }): Promise<true | string> {
  return new Promise((resolve) => {
    const options: ConnectionOptions = {
      host: target.host,
      port: target.port,
      ...(isIP(target.host) ? {} : { servername: target.host }),
      ...(target.cert && target.key ? { cert: target.cert, key: target.key } : {}),
      // Readiness only: nothing is sent and nothing is trusted here. The suite checks the certificate, with --ca.
      rejectUnauthorized: false,
      timeout: PROBE_TIMEOUT_MS,
    };
    const socket = connect(options);
    const done = (result: true | string) => {
      socket.destroy();
      resolve(result);
    };
    socket.once("secureConnect", () => done(true));
    socket.once("timeout", () => done(`no handshake within ${PROBE_TIMEOUT_MS} ms`));
    socket.once("error", (err: NodeJS.ErrnoException) => done(err.code?.startsWith("ERR_SSL_") ? true : (err.code ?? err.message)));
  });
}
