/**
 * Ctrl-C on a real `xks-harness load` (the built CLI in a child process, against the mock over real TLS): once
 * load is flowing (the mock has answered the warm-up and a second of the step), SIGINT stops a run planned for a
 * minute within seconds, and the CLI still prints its report: `stopped: true`, what was sent answered and counted,
 * the exit code that of the verdict on what was measured. With the main thread sending, and with two worker threads.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { packageRoot } from "../src/package-root.js";
import { targetFlags } from "./helpers/check-options.js";
import { scrubbedEnv } from "./helpers/cli-process.js";
import { CLI, useLoadProxy } from "./helpers/load-proxy.js";

/** Low: a busy test machine still sends it on schedule. */
const RATE = 50;
/** Planned far longer than the test may take: only the Ctrl-C can end the run in time. */
const DURATION_S = 120;
/** Ctrl-C to exit: the schedule stops at once, then answers in flight (milliseconds from the mock) are awaited. */
const PROMPT_MS = 5000;
const { cred, proxy } = useLoadProxy("load interrupt key seed");
const served = () => proxy().logs.answered();

describe("Ctrl-C on xks-harness load", () => {
  it.each([{ workers: "1" }, { workers: "2" }])("stops a long run promptly and still reports (--workers $workers)", async ({ workers }) => {
    const args = ["load", ...targetFlags(proxy(), cred), "--key-id", "foo"];
    const child = spawn(process.execPath, [CLI, ...args, "--rate", String(RATE), "--duration", String(DURATION_S), "--workers", workers, "--json"], {
      env: scrubbedEnv({ XKS_SECRET_ACCESS_KEY: cred.secretAccessKey }),
      cwd: packageRoot(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const closed = once(child, "close") as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      // Flowing: the warm-up's 20 ciphertexts and its second at the rate, then a second of the measured step.
      const before = served();
      await vi.waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`the CLI ended before load flowed: ${stderr}`);
          expect(served() - before).toBeGreaterThanOrEqual(20 + 2 * RATE);
        },
        { timeout: 15_000, interval: 50 },
      );
      child.kill("SIGINT");
      const deadline = new AbortController();
      const ended = await Promise.race([closed, delay(PROMPT_MS, "still running", { signal: deadline.signal })]).finally(() => deadline.abort());
      expect(ended, `no exit within ${PROMPT_MS} ms of Ctrl-C`).not.toBe("still running");
      const [code] = ended as [number | null, NodeJS.Signals | null];
      const report = JSON.parse(stdout) as { verdict: string; stopped: boolean; workers: number; steps: { stopped: boolean; scheduled: number; answered: number; kms: { ok: number; kmsTimeouts: number } }[] };
      // As documented: the exit code is the verdict on what was measured (0 pass, 1 fail), the report says stopped.
      expect(code, stderr).toBe(report.verdict === "pass" ? 0 : 1);
      expect(report).toMatchObject({ stopped: true, workers: Number(workers) });
      expect(report.steps).toHaveLength(1);
      const [step] = report.steps;
      expect(step!.stopped).toBe(true);
      expect(step!.answered).toBeGreaterThan(0);
      // Everything sent before the stop was awaited and counted; far less than the planned minutes were sent.
      expect(step!.answered).toBe(step!.scheduled);
      // No fault is injected: every answer is right, on time or (a busy machine's send lag) a KMS timeout.
      expect(step!.kms.ok + step!.kms.kmsTimeouts).toBe(step!.answered);
      expect(step!.scheduled).toBeLessThan((RATE * DURATION_S) / 4);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  }, 30_000);
});
