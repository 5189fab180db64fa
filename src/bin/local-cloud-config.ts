/**
 * @module bin/local-cloud-config
 * `xks-mock --kms-config FILE`: what the local cloud declares beside the local KMS (today its VPC endpoint
 * services). Read and validated before anything listens, so a bad file is exit 2 naming the flag, not a
 * half-started process.
 */
import { readFileSync, statSync } from "node:fs";
import { parseEndpointServices, type EndpointServicesConfigInput } from "../ec2/index.js";

export class LocalCloudConfigError extends Error {
  override name = "LocalCloudConfigError";
}

/** A declaration of 100 services is a few dozen KiB; anything far larger is not a config file. */
const MAX_BYTES = 1 << 20;

export function readLocalCloudConfig(file: string): EndpointServicesConfigInput {
  const fail = (why: string) => new LocalCloudConfigError(`--kms-config ${file}: ${why}. Fix: see README, "VPC endpoint services"`);
  let text: string;
  try {
    if (statSync(file).size > MAX_BYTES) throw fail(`larger than ${MAX_BYTES} bytes`);
    text = readFileSync(file, "utf8");
  } catch (err) {
    if (err instanceof LocalCloudConfigError) throw err;
    throw fail(`cannot read it (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // The parser's message quotes the file; say only that it is not JSON.
    throw fail("not JSON");
  }
  try {
    parseEndpointServices(raw);
  } catch (err) {
    throw fail((err as Error).message);
  }
  return raw as EndpointServicesConfigInput;
}
