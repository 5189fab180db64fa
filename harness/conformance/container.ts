/**
 * @module harness/conformance/container
 * `conformance --image`: starts the proxy image with testcontainers (loaded only here, on demand), copies the
 * config and files in before start, waits until the mapped port answers TLS, runs the suite against
 * `https://<host>:<mapped port>` and always removes the container, also on Ctrl-C.
 *
 * Readiness is probed from the host (container-readiness.ts), not with testcontainers' default
 * `Wait.forListeningPorts()`: that one also execs a shell inside the container, which a distroless or FROM scratch
 * proxy image does not have. `--image-ca-path` copies the container's CA out once it answers (container-file.ts).
 *
 * Unless already set, TESTCONTAINERS_RYUK_DISABLED=true (the reaper is an image to pull, and a registry may be
 * out of reach; this module removes its container itself) and TESTCONTAINERS_HOST_OVERRIDE=localhost (the name
 * the proxy's test certificates carry) are put in process.env before testcontainers is loaded.
 *
 * Exit status: an image that cannot be had or a Docker that cannot be reached is bad usage (UsageError, 2); a
 * container that exits or never answers is a failing proxy (Error, 1, with the last lines of its log).
 */
import { readFileSync, statSync } from "node:fs";
import { isIP } from "node:net";
import type { WaitStrategy } from "testcontainers";
import { UsageError } from "../common/usage-error.js";
import type { ConformanceFlags } from "./flags.js";
import { copyCertificateOut } from "./container-file.js";
import { waitUntilAnswering } from "./container-readiness.js";
import { describeError } from "../../src/error-words.js";

export { waitUntilAnswering, type Readiness } from "./container-readiness.js";

/** Bound on a started container's first TLS answer unless the caller or the environment says otherwise. */
const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;
/** Environment variable that overrides {@link DEFAULT_STARTUP_TIMEOUT_MS} (a slow-starting JVM proxy, say). */
const STARTUP_TIMEOUT_ENV = "XKS_IMAGE_STARTUP_TIMEOUT_MS";
/** Label on every container this module starts, so tests and operators can find strays. */
export const CONTAINER_LABEL = "io.github.xks-harness.conformance";

const STOP_TIMEOUT_MS = 3_000;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ImageRunOptions {
  /** Bound on the wait for the first TLS answer, after the container started. @default $XKS_IMAGE_STARTUP_TIMEOUT_MS or 60_000 */
  startupTimeoutMs?: number;
  /** Lines of the container's log quoted when it does not come up. @default 40 */
  logLines?: number;
  /** Where progress and the log tail are written; stdout stays the report's. @default process.stderr */
  stderr?: NodeJS.WritableStream;
}

/** A file put into the container before it starts. */
export interface ImageFile {
  source: string;
  target: string;
  mode: number;
}

/** What `--image*` flags ask for, checked. */
export interface ImageSpec {
  image: string;
  port: number;
  env: Record<string, string>;
  files: ImageFile[];
  /** --image-ca-path: a file in the container to trust once it answers (a proxy that makes its own CA). */
  caPath?: string | undefined;
}

/** What the suite gets from a started container: where it answers, and the CA copied out of it (if asked). */
export interface StartedImage {
  endpoint: string;
  extraCa: string[];
}

/**
 * Checks the `--image*` flags before Docker is touched. `--image-env K=V` sets K; `--image-env K` passes the
 * harness's own $K (as `docker run -e K` does), which keeps a secret out of argv.
 */
export function imageSpec(f: ConformanceFlags, env: NodeJS.ProcessEnv): ImageSpec {
  if (!f.image) throw new UsageError("--image is empty");
  const containerEnv: Record<string, string> = {};
  for (const entry of f.imageEnv ?? []) {
    const eq = entry.indexOf("=");
    const name = eq < 0 ? entry : entry.slice(0, eq);
    if (!ENV_NAME.test(name)) throw new UsageError(`--image-env ${entry}: expected NAME=VALUE or NAME, NAME of A-Z a-z 0-9 _`);
    const value = eq < 0 ? env[name] : entry.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--image-env ${name}: $${name} is not set here (give ${name}=VALUE)`);
    containerEnv[name] = value;
  }
  const files: ImageFile[] = [];
  if (f.imageConfig) files.push(imageFile(f.imageConfig, f.imageConfigPath || "/config/config.json", "--image-config"));
  for (const entry of f.imageFile ?? []) {
    const m = /^(.+):(\/[^:]*)$/.exec(entry);
    if (!m) throw new UsageError(`--image-file ${entry}: expected SRC:DEST with DEST an absolute path in the container`);
    files.push(imageFile(m[1]!, m[2]!, "--image-file"));
  }
  if (f.imageCaPath !== undefined && (!f.imageCaPath.startsWith("/") || f.imageCaPath.endsWith("/"))) {
    throw new UsageError(`--image-ca-path ${f.imageCaPath}: expected the absolute path of a file in the container (the bundled xks-mock image: /app/certs/ca.pem)`);
  }
  return { image: f.image, port: f.imagePort ?? 443, env: containerEnv, files, ...(f.imageCaPath ? { caPath: f.imageCaPath } : {}) };
}

function imageFile(source: string, target: string, flag: string): ImageFile {
  if (!target.startsWith("/") || target.endsWith("/")) throw new UsageError(`${flag} ${source}: the destination ${target} must be an absolute file path`);
  let mode: number;
  try {
    const st = statSync(source);
    if (!st.isFile()) throw new UsageError(`${flag} ${source}: not a regular file`);
    mode = st.mode & 0o7777;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${flag} ${source}: ${describeError(err, { file: source, flag })}`);
  }
  // The archive's entries belong to root, and the image may run as any user: readable by all, or a non-root
  // proxy could not open its own key. Execute bits are kept.
  return { source, target, mode: mode | 0o444 };
}

function startupTimeout(options: ImageRunOptions, env: NodeJS.ProcessEnv): number {
  if (options.startupTimeoutMs !== undefined) return options.startupTimeoutMs;
  const text = env[STARTUP_TIMEOUT_ENV];
  if (text === undefined || text === "") return DEFAULT_STARTUP_TIMEOUT_MS;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${STARTUP_TIMEOUT_ENV}=${text}: must be a whole number of milliseconds`);
  return Number(text);
}

type Testcontainers = typeof import("testcontainers");

async function loadTestcontainers(): Promise<Testcontainers> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "localhost";
  try {
    return await import("testcontainers");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") {
      throw new UsageError(
        "--image needs testcontainers, an optional peer dependency of xks-harness. " +
          "Fix: npm install testcontainers@11 where xks-harness is installed " +
          "(npm install -g testcontainers@11 for a global install)",
      );
    }
    throw err;
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Docker's multiplexed log format (no TTY): 8-byte frame headers, stream id then a big-endian length. */
function demuxLog(buf: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const kind = buf[at]!;
    const size = buf.readUInt32BE(at + 4);
    if (kind > 2 || buf[at + 1] !== 0 || buf[at + 2] !== 0 || buf[at + 3] !== 0 || at + 8 + size > buf.length) return buf.toString("utf8");
    parts.push(buf.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return at === buf.length ? Buffer.concat(parts).toString("utf8") : buf.toString("utf8");
}

/**
 * Runs the suite against a container of `f.image`: `run` gets the endpoint and returns the exit code, which
 * is returned as it is. The container is removed before this returns or throws.
 */
export async function runAgainstImage(
  f: ConformanceFlags,
  env: NodeJS.ProcessEnv,
  run: (started: StartedImage) => Promise<number>,
  options: ImageRunOptions = {},
): Promise<number> {
  const spec = imageSpec(f, env);
  const timeoutMs = startupTimeout(options, env);
  const logLines = options.logLines ?? 40;
  const out = options.stderr ?? process.stderr;
  const clientCert = probeCertificate(f);
  const tc = await loadTestcontainers();

  /** Knows its container's id from creation on, so a failed start (copy, start, wait) is cleaned up too. */
  class TrackedContainer extends tc.GenericContainer {
    id: string | undefined;
    protected override async containerCreated(containerId: string): Promise<void> {
      this.id = containerId;
    }
  }

  let container: TrackedContainer;
  try {
    container = new TrackedContainer(spec.image);
  } catch (err) {
    throw new UsageError(`--image ${spec.image}: ${(err as Error).message}`);
  }
  container
    .withExposedPorts(spec.port)
    .withEnvironment(spec.env)
    .withLabels({ [CONTAINER_LABEL]: "true" })
    // started means "the process runs"; answering is checked below, from the host.
    .withWaitStrategy(noWait());
  if (spec.files.length > 0) container.withCopyFilesToContainer(spec.files);

  let client: Awaited<ReturnType<Testcontainers["getContainerRuntimeClient"]>>;
  try {
    client = await tc.getContainerRuntimeClient();
  } catch (err) {
    throw new UsageError(`--image ${spec.image}: no container runtime: ${(err as Error).message} (is Docker running? DOCKER_HOST=${env.DOCKER_HOST ?? "(unset)"})`);
  }

  // One removal, shared: a signal and the normal end may both ask, and the process must not exit while Docker
  // is still removing (a second remove returns at once with 409 "already in progress").
  let removal: Promise<void> | undefined;
  const remove = (): Promise<void> => {
    const id = container.id;
    if (!id) return Promise.resolve();
    return (removal ??= (async () => {
      const handle = client.container.getById(id);
      await client.container.stop(handle, { timeout: STOP_TIMEOUT_MS }).catch(() => undefined);
      await client.container.remove(handle, { removeVolumes: true }).catch(() => undefined);
    })());
  };
  const onSignal = (signal: NodeJS.Signals) => {
    out.write(`xks-harness: ${signal}: removing container ${container.id?.slice(0, 12) ?? "(not created yet)"}\n`);
    void remove().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const began = performance.now();
  try {
    let started: Awaited<ReturnType<TrackedContainer["start"]>>;
    try {
      started = await container.start();
    } catch (err) {
      const message = (err as Error).message;
      if (!container.id) {
        const local = await client.image.exists(tc.ImageName.fromString(spec.image)).catch(() => true);
        const what = local ? "cannot create a container" : "not on this Docker host, and pulling it failed";
        throw new UsageError(`--image ${spec.image}: ${what}: ${message.trim()}`);
      }
      throw new Error(`--image ${spec.image}: container ${container.id.slice(0, 12)} did not start: ${message}${await logTail()}`);
    }
    const host = started.getHost();
    const port = started.getMappedPort(spec.port);
    const endpoint = `https://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
    const id = container.id!.slice(0, 12);
    const readiness = await waitUntilAnswering({ host, port, ...clientCert }, performance.now() + timeoutMs, async () => {
      const state = (await client.container.inspect(client.container.getById(container.id!))).State;
      return state.Running ? undefined : `exited with code ${state.ExitCode}`;
    });
    if (!readiness.answered) {
      const what = readiness.gone
        ? `${readiness.why} before it answered TLS on ${spec.port}/tcp (${seconds(performance.now() - began)})`
        : `did not answer TLS on ${spec.port}/tcp within ${seconds(timeoutMs)} of starting (last try: ${readiness.lastTry}; ${STARTUP_TIMEOUT_ENV} sets the bound)`;
      throw new Error(`--image ${spec.image}: container ${id} ${what}${await logTail()}`);
    }
    out.write(`xks-harness: ${spec.image} (container ${id}) answers on ${endpoint} after ${seconds(performance.now() - began)}\n`);
    const extraCa: string[] = [];
    if (spec.caPath) {
      // After the first answer: a proxy that makes its own CA has written it by then.
      extraCa.push(await copyCertificateOut((path) => started.copyArchiveFromContainer(path), spec.caPath));
      out.write(`xks-harness: trusting ${spec.caPath} from container ${id} for this run\n`);
    }
    return await run({ endpoint, extraCa });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await remove();
  }

  async function logTail(): Promise<string> {
    if (!container.id) return "";
    try {
      const raw = await client.container.getById(container.id).logs({ stdout: true, stderr: true, follow: false, tail: logLines });
      const lines = demuxLog(raw).split("\n").filter((l) => l.trim() !== "");
      if (lines.length === 0) return "\n  (the container logged nothing)";
      return `\n  last ${lines.length} line(s) of its log:\n${lines.map((l) => `  | ${l}`).join("\n")}`;
    } catch (err) {
      return `\n  (its log could not be read: ${(err as Error).message})`;
    }
  }
}

/** An mTLS proxy may want a client certificate before it finishes a handshake: the suite's, when given. */
function probeCertificate(f: ConformanceFlags): { cert?: Buffer; key?: Buffer } {
  if (!f.clientCert || !f.clientKey) return {};
  try {
    return { cert: readFileSync(f.clientCert), key: readFileSync(f.clientKey) };
  } catch {
    return {}; // the suite reports an unreadable file as bad usage
  }
}

/** A testcontainers wait strategy that waits for nothing: readiness is {@link waitUntilAnswering}'s job. */
function noWait(): WaitStrategy {
  let timeoutMs = DEFAULT_STARTUP_TIMEOUT_MS;
  let set = false;
  const strategy: WaitStrategy = {
    waitUntilReady: async () => undefined,
    withStartupTimeout(ms: number) {
      timeoutMs = ms;
      set = true;
      return strategy;
    },
    isStartupTimeoutSet: () => set,
    getStartupTimeout: () => timeoutMs,
  };
  return strategy;
}
