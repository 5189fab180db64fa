/**
 * @module bench/bench-child
 * A child process of the benchmark: forked with an IPC channel (so it exits when the orchestrator does,
 * see messages.ts), optionally pinned to one CPU, its output kept for error messages, its CPU time readable
 * from /proc, and stopped by its own pid — never by name.
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import type { ChildMessage, StopMessage } from "./messages.js";

interface ForkOptions {
  args?: string[];
  /** Node flags for the child (e.g. --cpu-prof). @default none: the orchestrator's own flags are not passed on */
  execArgv?: string[];
  /** Pin the child (all its threads) to this CPU with taskset. */
  cpu?: number | undefined;
}

export interface StartedChild {
  name: string;
  pid: number;
  /** True when taskset pinned it. */
  pinned: boolean;
  process: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** The last lines it wrote, stdout and stderr. */
  output(): string;
  /** Resolves with the first message that passes `accept`; rejects if the child exits first or on timeout. */
  waitFor<T extends ChildMessage>(accept: (m: ChildMessage) => m is T, timeoutMs: number): Promise<T>;
  /** Asks it to stop, then kills it (SIGKILL, by pid) if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_TAIL_CHARS = 4000;

/** Linux: is taskset there, and are there two CPUs to share out? */
export function canPin(cpus: number): boolean {
  if (cpus < 2) return false;
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function pin(pid: number, cpu: number): boolean {
  try {
    execFileSync("taskset", ["-a", "-p", "-c", String(cpu), String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function forkChild(name: string, script: string, o: ForkOptions = {}): StartedChild {
  const child = fork(script, o.args ?? [], { execArgv: o.execArgv ?? [], stdio: ["ignore", "pipe", "pipe", "ipc"] });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${script}`);
  const pid = child.pid;
  const pinned = o.cpu !== undefined && pin(pid, o.cpu);
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      exitCode = code;
      resolve(code);
    });
    child.on("error", (err) => keep(Buffer.from(`\n${String(err)}\n`)));
  });

  return {
    name,
    pid,
    pinned,
    process: child,
    exited,
    output: () => tail.trim(),
    waitFor<T extends ChildMessage>(accept: (m: ChildMessage) => m is T, timeoutMs: number): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const onMessage = (m: ChildMessage) => {
          if (!accept(m)) return;
          done();
          resolve(m);
        };
        const onExit = (code: number | null) => {
          done();
          reject(new Error(`${name} exited (code ${code}) before it reported; its output:\n${tail.trim() || "(none)"}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${name} did not report within ${timeoutMs} ms; its output:\n${tail.trim() || "(none)"}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          child.off("message", onMessage);
          child.off("exit", onExit);
        };
        if (exitCode !== undefined) return onExit(exitCode);
        child.on("message", onMessage);
        child.once("exit", onExit);
      });
    },
    async stop(graceMs = 3000) {
      if (exitCode !== undefined) return;
      if (child.connected) child.send({ type: "stop" } satisfies StopMessage, () => {});
      const timer = setTimeout(() => {
        if (exitCode === undefined) child.kill("SIGKILL");
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU time (user + system, all threads) of a process in ms, from /proc; undefined off Linux. */
export function cpuTimeMs(pid: number, ticksPerSecond: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state is field 3, utime 14, stime 15 (proc(5)).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** CPU time all processes of the machine spent busy (not idle, not waiting on I/O) in ms, from /proc/stat. */
export function systemBusyMs(ticksPerSecond: number): number | undefined {
  try {
    const first = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
    // "cpu  user nice system idle iowait irq softirq steal guest guest_nice" (guest is already in user).
    const [user, nice, system, , , irq, softirq, steal] = first.trim().split(/\s+/).slice(1).map(Number);
    return (([user, nice, system, irq, softirq, steal] as (number | undefined)[]).reduce<number>((a, b) => a + (b ?? 0), 0) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** USER_HZ, the unit of /proc CPU times (100 on nearly every Linux). */
export function clockTicksPerSecond(): number {
  try {
    const n = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return n > 0 ? n : 100;
  } catch {
    return 100;
  }
}
