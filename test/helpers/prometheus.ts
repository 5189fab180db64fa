/**
 * A real Prometheus (Debian's `prometheus`, which .ci/run installs) for the tests: its own config and data in a
 * temp dir, scrape and evaluation every second, on 127.0.0.1 and a free port, stopped (and its dir removed) by
 * stop(). And its HTTP API as the tests read it: instant queries and the alerts with their state. Also the
 * `xks-harness watch` process it scrapes, with its --json lines.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../../src/package-root.js";
import { hasCommand, scrubbedEnv } from "./cli-process.js";
import { missingComponent } from "./real-component.js";

export interface StartedPrometheus {
  url: string;
  /** The result vector of an instant query. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Alerts as /api/v1/alerts lists them: pending or firing. */
  alerts(): Promise<{ labels: Record<string, string>; state: string; annotations: Record<string, string> }[]>;
  /** What Prometheus printed, for a failure message. */
  log(): string;
  stop(): Promise<void>;
}

/** Whether `prometheus` and `promtool` are on PATH; a reason when not. */
export function prometheusMissing(): string | undefined {
  const absent = ["prometheus", "promtool"].find((name) => !hasCommand(name));
  return missingComponent(absent && `${absent} is not installed (Debian package prometheus; .ci/run installs it)`);
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function untilReady(url: string, child: ChildProcess, log: () => string, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${url}/-/ready`)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus not ready within ${deadlineMs} ms:\n${log()}`);
}

/** Starts Prometheus scraping `targets` (host:port, path /metrics) with the rule file `rulesFile`. */
export async function startPrometheus(o: { targets: string[]; rulesFile: string }): Promise<StartedPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), "xks-prometheus-"));
  copyFileSync(o.rulesFile, join(dir, "rules.yml"));
  writeFileSync(
    join(dir, "prometheus.yml"),
    [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "rule_files: [rules.yml]",
      "scrape_configs:",
      "  - job_name: xks-watch",
      `    static_configs: [{ targets: [${o.targets.map((t) => JSON.stringify(t)).join(", ")}] }]`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    "prometheus",
    [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString("utf8")));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await untilReady(url, child, () => output, 15_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`prometheus ${path}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    query: async (expr) => (await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    alerts: async () => (await api<{ alerts: { labels: Record<string, string>; state: string; annotations: Record<string, string> }[] }>("/api/v1/alerts")).alerts,
    log: () => output,
    stop,
  };
}

/** A running `xks-harness watch` (the process Prometheus scrapes), its --json lines as they come. */
export interface WatchProcess {
  child: ChildProcess;
  /** The JSON lines so far. */
  events: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first event that matches, or rejects after `deadlineMs`. */
  waitFor(match: (e: Record<string, unknown>) => boolean, deadlineMs: number): Promise<Record<string, unknown>>;
  /** The exit code after SIGTERM (or the code it already exited with). */
  stop(): Promise<number | null>;
}

/** Spawns `node dist/harness/cli.js watch --json ...args` (env scrubbed as runCli does, plus `env`). */
export function spawnWatch(args: string[], env: Record<string, string>): WatchProcess {
  const child = spawn(process.execPath, ["dist/harness/cli.js", "watch", "--json", ...args], { env: scrubbedEnv(env), cwd: packageRoot(), stdio: ["ignore", "pipe", "pipe"] });
  const events: Record<string, unknown>[] = [];
  let partial = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  child.stdout!.on("data", (c: Buffer) => {
    const lines = (partial + c.toString("utf8")).split("\n");
    partial = lines.pop()!;
    for (const line of lines.filter(Boolean)) events.push(JSON.parse(line) as Record<string, unknown>);
    for (const w of waiters) w();
  });
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return {
    child,
    events,
    stderr: () => stderr,
    waitFor(match, deadlineMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(match);
          if (!hit) return;
          cleanup();
          resolve(hit);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching watch event within ${deadlineMs} ms; events: ${JSON.stringify(events)}; stderr: ${stderr}`));
        }, deadlineMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
