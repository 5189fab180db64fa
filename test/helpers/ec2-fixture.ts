/**
 * The local EC2 endpoint (on the local KMS's port) for the ec2-* and kms-vpc-* tests: the real EC2 SDK, the AWS
 * CLI, endpoint-service declarations built from the default one, and a server in front of it that denies chosen actions.
 */
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { promisify } from "node:util";
import { EC2Client } from "@aws-sdk/client-ec2";
import type { EndpointServiceDeclarationInput } from "../../src/ec2/index.js";
import type { StartedLocalKms } from "../../src/kms/index.js";
import { listenOnLoopback, type StartedServer } from "./check-servers.js";

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

/**
 * Services 21-29: each breaks exactly one requirement KMS has of an endpoint service (state, principals, acceptance,
 * load balancer, AZs, IP types, private DNS name missing / not the endpoint's host / not verified).
 */
export function brokenServices(target: string): EndpointServiceDeclarationInput[] {
  return [
    service(21, target, { state: "Pending" }),
    service(22, target, { allowedPrincipals: ["arn:aws:iam::000000000000:root"] }),
    service(23, target, { acceptanceRequired: true }),
    service(24, target, { loadBalancer: "gateway" }),
    service(25, target, { availabilityZones: ["us-east-1a"] }),
    service(26, target, { ipAddressTypes: ["ipv6"] }),
    service(27, target, { privateDnsName: undefined }),
    service(28, target, { privateDnsName: "xks.example.com" }),
    service(29, target, { privateDnsVerificationState: "pendingVerification" }),
  ];
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

/**
 * A real HTTP server on 127.0.0.1 in front of the local EC2 endpoint that answers the `denied` actions as EC2 does
 * when IAM refuses (403, UnauthorizedOperation) and passes every other request through unchanged.
 */
export async function startDenyingEc2(upstream: string, denied: readonly string[]): Promise<StartedServer & { url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const action = new URLSearchParams(body.toString("utf8")).get("Action") ?? "";
      if (denied.includes(action)) {
        const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. User: arn:aws:iam::000000000000:user/test is not authorized to perform: ec2:${action}</Message></Error></Errors><RequestID>denied-1</RequestID></Response>`;
        res.writeHead(403, { "content-type": "text/xml;charset=UTF-8" }).end(xml);
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !["host", "connection", "content-length", "transfer-encoding"].includes(k)) as [string, string][]);
      fetch(upstream, { method: "POST", headers, body, signal: AbortSignal.timeout(5000) })
        .then(async (r) => res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "text/xml" }).end(Buffer.from(await r.arrayBuffer())))
        .catch(() => res.writeHead(502).end());
    });
  });
  const started = await listenOnLoopback(server);
  return { ...started, url: `http://127.0.0.1:${started.port}` };
}
