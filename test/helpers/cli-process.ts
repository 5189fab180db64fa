/**
 * Built CLIs (`dist/…/cli.js`) in a child process, as the end-to-end tests run them: under this node, in the
 * package root, with an environment scrubbed of the caller's XKS_* and AWS_* settings so only what a test gives
 * reaches the CLI. And whether an external command (curl) is on PATH, for tests that skip without it.
 */
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { packageRoot } from "../../src/package-root.js";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** This process's environment without XKS_* and AWS_* variables, plus `env`. */
export function scrubbedEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("XKS_") && !name.startsWith("AWS_")));
  return { ...base, ...env };
}

/**
 * Runs `node script ...args` to its end and collects stdout, stderr and the exit code. Asynchronous: mocks that
 * live in the test process keep serving while the CLI runs.
 */
export async function runCli(script: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [script, ...args], { env: scrubbedEnv(env), cwd: packageRoot(), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const [code] = (await once(child, "close")) as [number | null];
  return { code, stdout, stderr };
}

/** Whether `name --version` runs, i.e. the command is on PATH. */
export function hasCommand(name: string): boolean {
  try {
    execFileSync(name, ["--version"], { stdio: "ignore", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
