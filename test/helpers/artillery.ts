/**
 * Real Artillery (npm `artillery`, which needs Node >= 22.18) on Node 24, for the tests of the emitted scenario.
 * Found from $XKS_NODE24 and $XKS_ARTILLERY (.ci/run exports them), else in ~/.cache/xks-harness. When absent,
 * `artilleryMissing` says why so the test can skip, except on CI (CI=true), where a missing Artillery fails.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { scrubbedEnv } from "./cli-process.js";
import { externalToolPassSkipped, missingComponent } from "./real-component.js";

const cache = join(homedir(), ".cache", "xks-harness");
export const NODE24 = process.env.XKS_NODE24 ?? join(cache, "node-24", "bin", "node");
export const ARTILLERY = process.env.XKS_ARTILLERY ?? join(cache, "artillery-2.0.34", "node_modules", "artillery", "bin", "run");

/** Why Artillery cannot run here, or undefined when it can. Throws on CI, where it must be there. */
export function artilleryMissing(): string | undefined {
  const thisPass = externalToolPassSkipped();
  if (thisPass !== undefined) return thisPass;
  const missing = [NODE24, ARTILLERY].filter((f) => !existsSync(f));
  if (missing.length === 0) return undefined;
  return missingComponent(`Artillery on Node 24 not found (${missing.join(", ")}): set XKS_NODE24 and XKS_ARTILLERY, or install them as .ci/run does`);
}

export interface ArtilleryRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Artillery's --output JSON: `aggregate` holds the whole run's counters and summaries. */
  report: { aggregate: { counters: Record<string, number>; summaries: Record<string, { p99: number; count: number }> } } | undefined;
}

/** `artillery run --output <report> <scenario>` with `env` (and no telemetry), to its end. */
export async function runArtillery(scenario: string, reportFile: string, env: Record<string, string>): Promise<ArtilleryRun> {
  const child = spawn(NODE24, [ARTILLERY, "run", "--output", reportFile, scenario], {
    env: scrubbedEnv({ ARTILLERY_DISABLE_TELEMETRY: "true", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const [code] = (await once(child, "close")) as [number | null];
  const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, "utf8")) as ArtilleryRun["report"]) : undefined;
  return { code, stdout, stderr, report };
}
