/**
 * Ctrl-C on a real `xks-harness load` (the built CLI in a child process, against the mock over real TLS): once
 * load is flowing (the mock has answered the warm-up and a second of the step), SIGINT stops a run planned for a
 * minute within seconds, and the CLI still prints its report: `stopped: true`, what was sent answered and counted,
 * the time it ran (not the time planned), the verdict "stopped" and exit 130 (128 + SIGINT, as a shell reports a
 * Ctrl-C). With the main thread sending, with two worker threads, and as the table for people.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../src/package-root.js";
import { targetFlags } from "./helpers/check-options.js";
import { scrubbedEnv } from "./helpers/cli-process.js";
import { CLI, loadFlowing, useLoadProxy } from "./helpers/load-proxy.js";

/** Low: a busy test machine still sends it on schedule. */
const RATE = 50;
/** Planned far longer than the test may take: only the Ctrl-C can end the run in time. */
const DURATION_S = 120;
/** Ctrl-C to exit: the schedule stops at once, then answers in flight (milliseconds from the mock) are awaited. */
const PROMPT_MS = 5000;
const { cred, proxy } = useLoadProxy("load interrupt key seed");
const served = () => proxy().logs.answered();

describe("Ctrl-C on xks-harness load", () => {
  it.each([
    { workers: "1", json: true },
    { workers: "2", json: true },
    { workers: "1", json: false },
  ])("stops a long run promptly and still reports (--workers $workers, --json $json)", async ({ workers, json }) => {
    const args = ["load", ...targetFlags(proxy(), cred), "--key-id", "foo", "--no-color"];
    const child = spawn(process.execPath, [CLI, ...args, "--rate", String(RATE), "--duration", String(DURATION_S), "--workers", workers, ...(json ? ["--json"] : [])], {
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
      await loadFlowing(child, served, RATE, () => stderr);
      child.kill("SIGINT");
      const deadline = new AbortController();
      const ended = await Promise.race([closed, delay(PROMPT_MS, "still running", { signal: deadline.signal })]).finally(() => deadline.abort());
      expect(ended, `no exit within ${PROMPT_MS} ms of Ctrl-C`).not.toBe("still running");
      const [code] = ended as [number | null, NodeJS.Signals | null];
      expect(code, stdout + stderr).toBe(130);
      if (!json) {
        // The step ran seconds of its 120: the table says so, and the verdict is neither PASS nor FAIL.
        expect(stdout).toMatch(new RegExp(`^(STOPPED|FAIL) ${RATE} req/s, stopped after [\\d.]+ of ${DURATION_S} s:`, "m"));
        expect(stdout).not.toContain(`for ${DURATION_S} s`);
        expect(stdout).toMatch(/^Verdict: STOPPED by Ctrl-C after [\d.]+ s of the \d+ s planned/m);
        return;
      }
      const report = JSON.parse(stdout) as { verdict: string; stopped: boolean; ranS: number; plannedS: number; workers: number; steps: { verdict: string; stopped: boolean; elapsedMs: number; durationS: number; scheduled: number; answered: number; kms: { ok: number; kmsTimeouts: number } }[] };
      expect(report).toMatchObject({ verdict: "stopped", stopped: true, workers: Number(workers), plannedS: DURATION_S });
      expect(report.steps).toHaveLength(1);
      const [step] = report.steps;
      expect(step!.stopped).toBe(true);
      // A stopped step is no evidence for its rate: "stopped", or "fail" when the part that ran already broke a limit.
      expect(["stopped", "fail"]).toContain(step!.verdict);
      expect(step!.durationS).toBe(DURATION_S);
      expect(step!.elapsedMs).toBeLessThan((DURATION_S * 1000) / 4);
      expect(report.ranS).toBeCloseTo(step!.elapsedMs / 1000, 0);
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
