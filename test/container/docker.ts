/**
 * Helpers of the container tests: is Docker usable here, run the built CLI, list this harness's containers.
 * On CI (CI=true) a missing Docker or image is a failure; elsewhere the tests skip and say why.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { CONTAINER_LABEL } from "../../harness/conformance/container.js";
import { packageRoot } from "../../src/package-root.js";

export const MOCK_IMAGE = process.env.MOCK_IMAGE ?? "xks-harness/xks-mock:local";
export const ON_CI = process.env.CI === "true";
const CLI = join(packageRoot(), "dist", "harness", "cli.js");

function docker(args: string[], timeoutMs = 15_000) {
  const r = spawnSync("docker", args, { encoding: "utf8", timeout: timeoutMs });
  const detail = r.error ? r.error.message : (r.stderr || r.stdout).trim().split("\n")[0];
  return { ok: r.status === 0, stdout: r.stdout ?? "", detail };
}

/** Why the container tests cannot run here, or undefined when they can. */
export function containerTestsBlocked(image = MOCK_IMAGE): string | undefined {
  const info = docker(["info", "--format", "{{.ServerVersion}}"], 10_000);
  if (!info.ok) return `no usable Docker (docker info: ${info.detail})`;
  if (!docker(["image", "inspect", image]).ok) return `image ${image} is missing: run scripts/build-images.sh`;
  return undefined;
}

/** Ids of the containers `conformance --image` started that still exist, running or not. */
export function harnessContainers(): string[] {
  const r = docker(["ps", "-aq", "--filter", `label=${CONTAINER_LABEL}`]);
  if (!r.ok) throw new Error(`docker ps: ${r.detail}`);
  return r.stdout.split("\n").filter(Boolean);
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  env?: NodeJS.ProcessEnv;
  /** SIGINT after this long. @default 150_000 */
  timeoutMs?: number;
  /** Sees stderr as it grows; may signal the child. */
  onStderr?: (stderrSoFar: string, child: ChildProcess) => void;
}

/** Runs `node dist/harness/cli.js ...args` with the test process's environment plus `env`. */
export function runCli(args: string[], o: RunCliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: "1", ...o.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      o.onStderr?.(stderr, child);
    });
    // SIGINT, not SIGKILL: the CLI removes its container on SIGINT.
    const timer = setTimeout(() => child.kill("SIGINT"), o.timeoutMs ?? 150_000);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The last non-empty line of a text. */
export function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1) ?? "";
}
