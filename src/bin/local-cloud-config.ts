/**
 * @module bin/local-cloud-config
 * `xks-mock --kms-config FILE`: what the local cloud declares beside the local KMS (its VPC endpoint services) and
 * how the local KMS behaves (how often it polls connected stores' health). Read and validated before anything
 * listens, so a bad file is exit 2 naming the flag, not a half-started process.
 */
import { readFileSync, statSync } from "node:fs";
import { parseEndpointServices, type EndpointServicesConfigInput } from "../ec2/index.js";
import { DEFAULT_HEALTH_CHECK_INTERVAL_MS, healthCheckIntervalProblem } from "../kms/health-poll.js";
import { errorWords, libraryText } from "../error-words.js";

export class LocalCloudConfigError extends Error {
  override name = "LocalCloudConfigError";
}

/** A declaration of 100 services is a few dozen KiB; anything far larger is not a config file. */
const MAX_BYTES = 1 << 20;

export interface LocalCloudConfig {
  endpointServices: EndpointServicesConfigInput;
  /** From `healthCheckIntervalSeconds`; the local KMS's default (DEFAULT_HEALTH_CHECK_INTERVAL_MS) when absent. */
  healthCheckIntervalMs?: number | undefined;
}

export function readLocalCloudConfig(file: string): LocalCloudConfig {
  const fail = (why: string) => new LocalCloudConfigError(`--kms-config ${file}: ${why}. Fix: see README, "VPC endpoint services"`);
  let text: string;
  try {
    if (statSync(file).size > MAX_BYTES) throw fail(`larger than ${MAX_BYTES} bytes`);
    text = readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof LocalCloudConfigError) throw err;
    throw fail(`cannot read it: ${errorWords(err, { file })?.cause ?? libraryText(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // The parser's message quotes the file; say only that it is not JSON.
    throw fail("not JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw fail("not a JSON object: expected { \"endpointServices\": [...] }");
  // The local KMS's own setting sits beside the endpoint services, whose schema allows no other field.
  const { healthCheckIntervalSeconds: interval, ...endpointServices } = raw as Record<string, unknown>;
  // The local KMS's own bounds (kms/health-poll), in the seconds of the file: once a second (tests) to once a day.
  const intervalProblem = interval === undefined ? undefined : healthCheckIntervalProblem(interval, "healthCheckIntervalSeconds", 1000);
  if (intervalProblem) throw fail(`${intervalProblem} (how often the local KMS polls connected stores' health; omit it for ${DEFAULT_HEALTH_CHECK_INTERVAL_MS / 1000})`);
  try {
    parseEndpointServices(endpointServices);
  } catch (err) {
    throw fail((err as Error).message);
  }
  return { endpointServices: endpointServices as EndpointServicesConfigInput, ...(interval !== undefined ? { healthCheckIntervalMs: (interval as number) * 1000 } : {}) };
}
