/**
 * The vpc-endpoint-service check end to end: the real @aws-sdk/client-ec2 reads services declared in the local KMS's
 * EC2 endpoint (--ec2-endpoint), and every requirement KMS has of the service becomes its own line with the fact
 * found, the fix, the exception Create/Update would raise and the ConnectionErrorCode a Connect would end with. A
 * denied call (a real server answering UnauthorizedOperation), missing credentials and a silent EC2 are warnings
 * that name the permission, never a pass. The built CLI shows the flags, the JSON and the notes.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../harness/check/run-check.js";
import type { CheckOptions } from "../harness/check/types.js";
import type { StartedLocalKms } from "../src/kms/index.js";
import { packageRoot } from "../src/package-root.js";
import { checkOf, checkOptions, expectPrediction, proxySettings } from "./helpers/check-options.js";
import { startCheckProxy, type CheckProxy } from "./helpers/check-proxy.js";
import { runCli } from "./helpers/cli-process.js";
import { brokenServices, service, serviceName, startDenyingEc2 } from "./helpers/ec2-fixture.js";
import { startSilentServer } from "./helpers/hostile-servers.js";
import { startTestKms } from "./helpers/kms-fixture.js";
import { pkiPath } from "./helpers/proxy-fixture.js";

const OTHER = "111122223333";
const NF = ["XksProxyVpcEndpointServiceNotFoundException", "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND"] as const;
const IC = ["XksProxyVpcEndpointServiceInvalidConfigurationException", "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION"] as const;
const CLI = join(packageRoot(), "dist/harness/cli.js");

let proxy: CheckProxy;
let kms: StartedLocalKms;
const cred = () => proxy.config().keystores[0]!.credentials[0]!;

beforeAll(async () => {
  proxy = await startCheckProxy();
  const target = `https://127.0.0.1:${proxy.port}`;
  kms = await startTestKms({
    endpointServices: {
      endpointServices: [
        service(1, target),
        // Another account's service this account may connect to: a consumer sees it, the owner's calls do not.
        service(3, target, { owner: OTHER, allowedPrincipals: ["cks.kms.us-east-1.amazonaws.com", "arn:aws:iam::000000000000:root"] }),
        // Another account's service this account may not see at all.
        service(4, target, { owner: OTHER }),
        ...brokenServices(target),
        service(30, target, { region: "eu-west-1" }),
      ],
    },
  });
});
afterAll(async () => {
  await kms?.stop();
  await proxy?.stop();
});

/** A VPC store's check on service `n` (its endpoint https://localhost:<port>, the declared private DNS name). */
function vpcOptions(n: number, over: Partial<CheckOptions> = {}): CheckOptions {
  return checkOptions(proxySettings(proxy), { connectivity: "VPC_ENDPOINT_SERVICE", vpcEndpointServiceName: serviceName(n), ec2: { endpoint: kms.url, env: {} }, ...over });
}

describe("the vpc-endpoint-service check, through @aws-sdk/client-ec2 against the local EC2 endpoint", () => {
  it("passes a service KMS accepts, one line per requirement with the fact found; the network checks still run, and the notes say from where", async () => {
    const report = await runCheck(vpcOptions(1));
    const vpc = checkOf(report, "vpc-endpoint-service");
    expect(vpc.status, vpc.detail).toBe("pass");
    const lines = vpc.detail.split("\n");
    expect(lines.filter((l) => l.startsWith("ok "))).toHaveLength(10);
    expect(vpc.detail).toContain("found by DescribeVpcEndpointServiceConfigurations + DescribeVpcEndpointServicePermissions");
    expect(vpc.detail).toContain("allowed principals: cks.kms.us-east-1.amazonaws.com");
    expect(vpc.detail).toContain("Availability Zones: us-east-1a, us-east-1b");
    expect(vpc.detail).toContain("private DNS name localhost");
    expect(vpc.detail).toContain("verification state verified");
    expect(vpc.detail).toContain("`update` checks it with DescribeCustomKeyStores");
    expect(checkOf(report, "auth").status).toBe("pass");
    expectPrediction(report, "pass", null, null);
    expect(report.notes?.join("\n")).toMatch(/ran against https:\/\/localhost:\d+ .* from where this harness runs/);
    expect(report.notes?.join("\n")).toContain("KMS itself first connects to the proxy at ConnectCustomKeyStore");
  });

  it.each([
    ["not found in the region", 99, "exists", "no such service", NF],
    ["declared in another region than the store's", 30, "exists", "no such service", NF],
    ["not Available", 21, "in state Available", "in state Pending", NF],
    ["without cks.kms.<region>.amazonaws.com allowed", 22, "cks.kms.us-east-1.amazonaws.com", "allowed principals: arn:aws:iam::000000000000:root", IC],
    ["requiring acceptance", 23, "acceptance of endpoint connections is not required", "acceptance required is true", IC],
    ["behind a Gateway Load Balancer", 24, "Network Load Balancer", "backed by a Gateway Load Balancer", IC],
    ["in one Availability Zone", 25, "at least two Availability Zones", "Availability Zones: us-east-1a", IC],
    ["without IPv4", 26, "supports IPv4", "IP address types: ipv6", IC],
    ["without a private DNS name", 27, "private DNS name is the host of XksProxyUriEndpoint (localhost)", "no private DNS name", IC],
    ["whose private DNS name is not the endpoint's host", 28, "private DNS name is the host", "private DNS name xks.example.com", IC],
    ["whose private DNS name is not verified", 29, "is verified", "verification state pendingVerification", IC],
  ] as const)("a service %s fails its line and predicts its exception and ConnectionErrorCode", async (_what, n, requirement, found, [exception, code]) => {
    const report = await runCheck(vpcOptions(n));
    const vpc = checkOf(report, "vpc-endpoint-service");
    expect(vpc.status, vpc.detail).toBe("fail");
    const line = vpc.detail.split("\n").find((l) => l.startsWith("FAIL"))!;
    expect(line).toContain(requirement === "exists" ? `a VPC endpoint service named ${serviceName(n)} in us-east-1` : requirement);
    expect(line).toContain(`: ${found} → ${exception} / ${code}. Fix: `);
    expect(vpc.fix).toBeTruthy();
    expectPrediction(report, "fail", exception, code);
    // The proxy is fine: the network checks ran and passed on their own.
    expect(checkOf(report, "auth").status).toBe("pass");
  });

  it("fixes are commands naming the service and the region", async () => {
    expect(checkOf(await runCheck(vpcOptions(23)), "vpc-endpoint-service").fix).toBe(`aws ec2 modify-vpc-endpoint-service-configuration --no-acceptance-required --service-id ${serviceName(23).split(".").pop()} --region us-east-1`);
    expect(checkOf(await runCheck(vpcOptions(22)), "vpc-endpoint-service").fix).toContain("modify-vpc-endpoint-service-permissions --add-allowed-principals cks.kms.us-east-1.amazonaws.com");
  });

  it("--vpc-endpoint-service-owner of another account reads what a consumer sees; state and principals are unverified, a warning", async () => {
    const report = await runCheck(vpcOptions(3, { vpcEndpointServiceOwner: OTHER }));
    const vpc = checkOf(report, "vpc-endpoint-service");
    expect(vpc.status, vpc.detail).toBe("warn");
    expect(vpc.detail).toContain("found by DescribeVpcEndpointServices");
    expect(vpc.detail).toContain(`owned by account ${OTHER}`);
    expect(vpc.detail.split("\n").filter((l) => l.startsWith("?"))).toEqual([
      expect.stringMatching(/^\?\s+in state Available: not visible to this account: only the owner \(account 111122223333\) sees it/),
      expect.stringMatching(/^\?\s+its allowed principals include cks.kms.us-east-1.amazonaws.com: not visible/),
    ]);
    expect(vpc.fix).toContain("without --vpc-endpoint-service-owner");
    expectPrediction(report, "pass", null, null);
  });

  it("an owner that is not the service's, and a service this account cannot see, are NotFound", async () => {
    const mine = await runCheck(vpcOptions(1, { vpcEndpointServiceOwner: OTHER }));
    expect(checkOf(mine, "vpc-endpoint-service").detail).toContain("owned by account 000000000000 → XksProxyVpcEndpointServiceNotFoundException");
    expectPrediction(mine, "fail", ...NF);
    const hidden = await runCheck(vpcOptions(4, { vpcEndpointServiceOwner: OTHER }));
    expect(checkOf(hidden, "vpc-endpoint-service").detail).toContain("no such service");
    expectPrediction(hidden, "fail", ...NF);
  });

  it("skips for PUBLIC_ENDPOINT, and is skipped when the input is invalid", async () => {
    expect(checkOf(await runCheck(checkOptions(proxySettings(proxy))), "vpc-endpoint-service")).toMatchObject({ status: "skip", detail: "skipped: connectivity is PUBLIC_ENDPOINT" });
    const bad = await runCheck(vpcOptions(1, { vpcEndpointServiceOwner: "12345" }));
    expect(checkOf(bad, "input").detail).toMatch(/XksProxyVpcEndpointServiceOwner has .* at position \d+, which is not allowed|XksProxyVpcEndpointServiceOwner is 5 chars/);
    expect(checkOf(bad, "vpc-endpoint-service").status).toBe("skip");
    const publicOwner = await runCheck(checkOptions(proxySettings(proxy), { vpcEndpointServiceOwner: OTHER }));
    expect(checkOf(publicOwner, "input").detail).toContain("XksProxyVpcEndpointServiceOwner is only allowed with XksProxyConnectivity VPC_ENDPOINT_SERVICE");
  });
});

describe("EC2 access denied, no credentials, no answer: a warning naming the permission, never a pass or a crash", () => {
  it.each([
    ["DescribeVpcEndpointServiceConfigurations", undefined],
    ["DescribeVpcEndpointServicePermissions", undefined],
    ["DescribeVpcEndpointServices", OTHER],
  ] as const)("%s denied (UnauthorizedOperation from a real server)", async (action, owner) => {
    const denying = await startDenyingEc2(kms.url, [action]);
    try {
      const report = await runCheck(vpcOptions(owner ? 3 : 1, { vpcEndpointServiceOwner: owner, ec2: { endpoint: denying.url, env: {} } }));
      const vpc = checkOf(report, "vpc-endpoint-service");
      expect(vpc.status, vpc.detail).toBe("warn");
      expect(vpc.detail).toContain(`NOT VERIFIED: EC2 denied ec2:${action}`);
      expect(vpc.fix).toContain(`allow ec2:${action}`);
      expect(report.verdict).toBe("pass");
    } finally {
      await denying.stop();
    }
  });

  it("with an owner named, a denied owner's call only leaves state and principals unverified, saying why", async () => {
    const denying = await startDenyingEc2(kms.url, ["DescribeVpcEndpointServiceConfigurations"]);
    try {
      const vpc = checkOf(await runCheck(vpcOptions(3, { vpcEndpointServiceOwner: OTHER, ec2: { endpoint: denying.url, env: {} } })), "vpc-endpoint-service");
      expect(vpc.status).toBe("warn");
      expect(vpc.detail).toContain("not visible to this account: UnauthorizedOperation: the credentials lack ec2:DescribeVpcEndpointServiceConfigurations");
    } finally {
      await denying.stop();
    }
  });

  it("an EC2 endpoint that never answers is a warning within --timeout-ms", async () => {
    const silent = await startSilentServer();
    try {
      const vpc = checkOf(await runCheck(vpcOptions(1, { timeoutMs: 400, ec2: { endpoint: `http://127.0.0.1:${silent.port}`, env: {} } })), "vpc-endpoint-service");
      expect(vpc.status).toBe("warn");
      expect(vpc.detail).toContain("EC2 did not answer DescribeVpcEndpointServiceConfigurations within 400 ms");
      expect(vpc.ms).toBeLessThan(3000);
    } finally {
      await silent.stop();
    }
  });
});

describe("the CLI: xks-harness check --connectivity VPC_ENDPOINT_SERVICE", () => {
  const base = () => ["check", "--endpoint", `https://localhost:${proxy.port}`, "--path", new URL(proxy.baseUrl()).pathname, "--access-key-id", cred().accessKeyId, "--ca", pkiPath("caCert"), "--dev", "--connectivity", "VPC_ENDPOINT_SERVICE"];
  const secret = () => ({ XKS_SECRET_ACCESS_KEY: cred().secretAccessKey });

  it("--ec2-endpoint: a bad service exits 1 with the Create/Update exception, the ConnectionErrorCode and the notes", async () => {
    const r = await runCli(CLI, [...base(), "--vpc-endpoint-service-name", serviceName(23), "--ec2-endpoint", kms.url, "--no-color"], secret());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain("CreateCustomKeyStore / UpdateCustomKeyStore would raise: XksProxyVpcEndpointServiceInvalidConfigurationException");
    expect(r.stdout).toContain("ConnectCustomKeyStore would end FAILED with ConnectionErrorCode: XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    expect(r.stdout).toContain("note: KMS itself first connects to the proxy at ConnectCustomKeyStore");
    expect(r.stdout).not.toContain(cred().secretAccessKey);
  });

  it("--json carries the service's facts, findings, the owner and the notes", async () => {
    const r = await runCli(CLI, [...base(), "--vpc-endpoint-service-name", serviceName(3), "--vpc-endpoint-service-owner", OTHER, "--ec2-endpoint", kms.url, "--json"], secret());
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.target).toMatchObject({ connectivity: "VPC_ENDPOINT_SERVICE", vpcEndpointServiceName: serviceName(3), vpcEndpointServiceOwner: OTHER });
    expect(doc.checks[1]).toMatchObject({ id: "vpc-endpoint-service", status: "warn" });
    expect(doc.vpcEndpointService).toMatchObject({ calls: ["DescribeVpcEndpointServices", "DescribeVpcEndpointServiceConfigurations"], facts: { owner: OTHER, acceptanceRequired: false }, findings: [], usedBy: null });
    expect(doc.vpcEndpointService.unverified.map((u: { rule: string }) => u.rule)).toEqual(["available", "kms-principal-allowed"]);
    expect(doc.notes).toHaveLength(2);
  });

  it("no credentials (empty config files, no environment, no instance metadata): a warning naming the permissions", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xks-no-creds-"));
    writeFileSync(join(dir, "config"), "");
    writeFileSync(join(dir, "credentials"), "");
    const env = { ...secret(), AWS_CONFIG_FILE: join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"), AWS_EC2_METADATA_DISABLED: "true" };
    // .invalid never resolves (RFC 6761): nothing can leave this machine even if credentials were found.
    const r = await runCli(CLI, [...base(), "--vpc-endpoint-service-name", serviceName(1), "--ec2-endpoint", "https://ec2.invalid", "--json"], env);
    expect(r.code, r.stderr).toBe(0);
    const vpc = JSON.parse(r.stdout).checks[1];
    expect(vpc.status).toBe("warn");
    expect(vpc.detail).toMatch(/^NOT VERIFIED: no AWS credentials/);
    expect(vpc.detail).toContain("needs credentials allowed ec2:DescribeVpcEndpointServiceConfigurations and ec2:DescribeVpcEndpointServicePermissions");
    expect(vpc.fix).toContain("--profile");
  });

  it("--profile from the config file signs EC2's calls; an unknown one, a bad --ec2-endpoint and an owner with PUBLIC_ENDPOINT are bad usage (2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xks-profile-"));
    writeFileSync(join(dir, "config"), "[profile vpc-reader]\nregion = us-east-1\n");
    writeFileSync(join(dir, "credentials"), "[vpc-reader]\naws_access_key_id = AKIDPROFILETEST\naws_secret_access_key = profile-test-secret\n");
    const env = { ...secret(), AWS_CONFIG_FILE: join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"), AWS_EC2_METADATA_DISABLED: "true" };
    const good = await runCli(CLI, [...base(), "--vpc-endpoint-service-name", serviceName(1), "--ec2-endpoint", kms.url, "--profile", "vpc-reader", "--json"], env);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout).checks[1].status).toBe("pass");
    const unknown = await runCli(CLI, [...base(), "--vpc-endpoint-service-name", serviceName(1), "--ec2-endpoint", kms.url, "--profile", "nope"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--profile nope: no such profile");
    const badUrl = await runCli(CLI, [...base(), "--vpc-endpoint-service-name", serviceName(1), "--ec2-endpoint", "ftp://x/y"], env);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain("--ec2-endpoint");
    const publicOwner = await runCli(CLI, [...base().slice(0, -2), "--vpc-endpoint-service-owner", OTHER], env);
    expect(publicOwner.code).toBe(2);
    expect(publicOwner.stdout).toContain("XksProxyVpcEndpointServiceOwner is only allowed with XksProxyConnectivity VPC_ENDPOINT_SERVICE");
  });
});
