/**
 * @module bench/cli-start
 * How long `xks-harness --help` and `xks-mock --help` take to start, against a bare `node -e 0` in the same run:
 * the median wall time of RUNS runs of each, interleaved so a busy moment of the machine hits all three alike.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { packageRoot } from "../src/package-root.js";

/** Median wall times, ms. */
export interface CliStartTimes {
  runs: number;
  nodeMs: number;
  harnessMs: number;
  mockMs: number;
}

const RUNS = 7;

function wallMs(args: string[]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: packageRoot(), stdio: "ignore", timeout: 30_000 });
  const ms = performance.now() - start;
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} exited with ${run.status ?? run.signal}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function measureCliStart(runs = RUNS): CliStartTimes {
  const root = packageRoot();
  const commands = {
    nodeMs: ["-e", "0"],
    harnessMs: [join(root, "dist/harness/cli.js"), "--help"],
    mockMs: [join(root, "dist/src/bin/xks-mock.js"), "--help"],
  };
  const times: Record<keyof typeof commands, number[]> = { nodeMs: [], harnessMs: [], mockMs: [] };
  // One untimed round first: the files come into the page cache, as they are for any second start.
  for (const args of Object.values(commands)) wallMs(args);
  for (let i = 0; i < runs; i++) {
    for (const [name, args] of Object.entries(commands) as [keyof typeof commands, string[]][]) times[name].push(wallMs(args));
  }
  return { runs, nodeMs: median(times.nodeMs), harnessMs: median(times.harnessMs), mockMs: median(times.mockMs) };
}
