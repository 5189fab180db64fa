/**
 * The local EC2 endpoint (on the local KMS's port) for the ec2-* and kms-vpc-* tests: the real EC2 SDK, the AWS
 * CLI, and endpoint-service declarations built from the default one.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { EC2Client } from "@aws-sdk/client-ec2";
import type { EndpointServiceDeclarationInput } from "../../src/ec2/index.js";
import type { StartedLocalKms } from "../../src/kms/index.js";

/** The real SDK against the local EC2 endpoint; one attempt, so a test sees each call exactly once. */
export function ec2Client(kms: StartedLocalKms, region = "us-east-1"): EC2Client {
  return new EC2Client({ endpoint: kms.url, region, credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" }, maxAttempts: 1 });
}

/** com.amazonaws.vpce.<region>.vpce-svc-<17 hex>, the hex from `n`. */
export function serviceName(n: number, region = "us-east-1"): string {
  return `com.amazonaws.vpce.${region}.vpce-svc-${n.toString(16).padStart(17, "0")}`;
}

/** A declaration KMS accepts (private DNS name localhost), changed by `o`. */
export function service(n: number, target: string, o: Partial<EndpointServiceDeclarationInput> = {}): EndpointServiceDeclarationInput {
  return { serviceName: serviceName(n, o.region), privateDnsName: "localhost", target, ...o };
}

export interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The AWS CLI against the local endpoint, with dummy credentials and no user config; bounded in time. */
export async function awsCli(kms: StartedLocalKms, args: string[]): Promise<AwsCliResult> {
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", AWS_ACCESS_KEY_ID: "AKIDLOCALTEST", AWS_SECRET_ACCESS_KEY: "local-test-secret", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_PAGER: "" };
  try {
    const r = await promisify(execFile)("aws", [...args, "--endpoint-url", kms.url, "--region", "us-east-1", "--output", "json"], { env, timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? String(err) };
  }
}
