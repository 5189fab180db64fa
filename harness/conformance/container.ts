/**
 * @module harness/conformance/container
 * Placeholder until the testcontainers integration lands: `--image` is refused with a clear message.
 */
import { UsageError } from "../check/options.js";
import type { ConformanceFlags } from "./command.js";

export async function runAgainstImage(f: ConformanceFlags, _env: NodeJS.ProcessEnv, _run: (endpoint: string) => Promise<number>): Promise<number> {
  throw new UsageError(`--image ${f.image}: container support is not built yet`);
}
