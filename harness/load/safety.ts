/**
 * @module harness/load/safety
 * Load is an attack when aimed at the wrong host: a target that is not this machine needs --yes, or, on a
 * terminal, the operator typing the rate and duration back.
 */
import { createInterface } from "node:readline/promises";
import { parseEndpoint } from "../common/endpoint.js";
import { isLoopbackHost } from "../common/aws-credentials.js";
import { UsageError } from "../common/usage-error.js";


/** Checks the endpoint; for a non-loopback one asks for the typed phrase (or throws without a terminal). */
export async function confirmTarget(endpoint: string, dev: boolean, plan: { maxRate: number; durationS: number; yes: boolean }): Promise<void> {
  const parsed = parseEndpoint(endpoint);
  if (!parsed) throw new UsageError(`--endpoint ${endpoint}: not an https:// URL. Fix: give https://host`);
  if (parsed.explicitPort && !dev) throw new UsageError(`--endpoint ${endpoint}: KMS always calls port 443. Fix: drop the port, or add --dev for local use`);
  if (isLoopbackHost(parsed.host) || plan.yes) return;
  const phrase = `${plan.maxRate} req/s for ${plan.durationS} s`;
  if (!process.stdin.isTTY) throw new UsageError(`${parsed.host} is not this machine: sending ${phrase} needs --yes (or run on a terminal and type the confirmation)`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`This sends up to ${phrase} to ${parsed.host}. Type "${phrase}" to go on: `);
    if (answer.trim() !== phrase) throw new UsageError("not confirmed; nothing was sent");
  } finally {
    rl.close();
  }
}
