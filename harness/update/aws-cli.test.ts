/**
 * The plan and its rollback as `aws kms` lines: the AWS CLI's option names for UpdateCustomKeyStore's parameters
 * (KMS API reference), values shell-quoted, the secret always a placeholder, and the KMS the update talks to.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { awsKmsLine, planLines, rollbackCommand, rollbackLines, shellQuote } from "./aws-cli.js";
import { planUpdate } from "./plan.js";
import { SECRET, storeSnapshot, unchanged } from "./store.fixture.js";

const current = storeSnapshot("prod xks");
const same = unchanged(current);
const local = { region: "us-east-1", endpointUrl: "http://127.0.0.1:4599" };
const NEW_KEY = "ZYXWVUTSRQPONMLKJIHGFEDC";

describe("planLines", () => {
  it("a path and credential change: one update-custom-key-store line with the CLI's option names, the secret a placeholder", () => {
    const plan = planUpdate(current, { ...same, path: "/next/kms/xks/v1", accessKeyId: NEW_KEY }, false);
    expect(planLines(plan, local)).toEqual([
      `aws kms update-custom-key-store --custom-key-store-id ${current.id} --xks-proxy-uri-path /next/kms/xks/v1 --xks-proxy-authentication-credential 'AccessKeyId=${NEW_KEY},RawSecretAccessKey=<new secret>' --region us-east-1 --endpoint-url http://127.0.0.1:4599`,
    ]);
  });

  it("an endpoint move with a rename: Disconnect, Update with every changed field, Connect; --profile when given; no secret anywhere", () => {
    const plan = planUpdate(current, { ...same, endpoint: "https://xks2.example.com", newName: "it's new", connectivity: "VPC_ENDPOINT_SERVICE", vpcEndpointServiceName: "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0" }, true);
    const lines = planLines(plan, { region: "eu-west-1", profile: "ops" });
    expect(lines).toEqual([
      `aws kms disconnect-custom-key-store --custom-key-store-id ${current.id} --region eu-west-1 --profile ops`,
      `aws kms update-custom-key-store --custom-key-store-id ${current.id} --new-custom-key-store-name 'it'\\''s new' --xks-proxy-uri-endpoint https://xks2.example.com --xks-proxy-connectivity VPC_ENDPOINT_SERVICE --xks-proxy-vpc-endpoint-service-name com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0 --xks-proxy-authentication-credential 'AccessKeyId=${current.accessKeyId},RawSecretAccessKey=<new secret>' --region eu-west-1 --profile ops`,
      `aws kms connect-custom-key-store --custom-key-store-id ${current.id} --region eu-west-1 --profile ops`,
    ]);
    expect(lines.join("\n")).not.toContain(SECRET.slice(0, 8));
  });
});

describe("rollback", () => {
  it("puts back the old value of each changed field and the old access key id, with the previous secret a placeholder", () => {
    const plan = planUpdate(current, { ...same, path: "/next/kms/xks/v1", accessKeyId: NEW_KEY, newName: "renamed" }, false);
    expect(rollbackCommand(current, plan, local)).toBe(
      `aws kms update-custom-key-store --custom-key-store-id ${current.id} --new-custom-key-store-name 'prod xks' --xks-proxy-uri-path /prod/kms/xks/v1 --xks-proxy-authentication-credential 'AccessKeyId=${current.accessKeyId},RawSecretAccessKey=<previous secret>' --region us-east-1 --endpoint-url http://127.0.0.1:4599`,
    );
    expect(rollbackLines(current, plan, local)).toEqual([rollbackCommand(current, plan, local)]);
  });

  it("after a Disconnect → Update → Connect, the way back is the same dance; a VPC store gets its service name back", () => {
    const vpc = { ...current, connectivity: "VPC_ENDPOINT_SERVICE", vpcEndpointServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0" };
    const plan = planUpdate(vpc, { ...same, endpoint: "https://xks2.example.com", connectivity: "PUBLIC_ENDPOINT" }, true);
    const back = rollbackLines(vpc, plan, { region: "us-east-1" });
    expect(back).toEqual([
      `aws kms disconnect-custom-key-store --custom-key-store-id ${current.id} --region us-east-1`,
      `aws kms update-custom-key-store --custom-key-store-id ${current.id} --xks-proxy-uri-endpoint https://xks.example.com --xks-proxy-connectivity VPC_ENDPOINT_SERVICE --xks-proxy-vpc-endpoint-service-name com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0 --xks-proxy-authentication-credential 'AccessKeyId=${current.accessKeyId},RawSecretAccessKey=<previous secret>' --region us-east-1`,
      `aws kms connect-custom-key-store --custom-key-store-id ${current.id} --region us-east-1`,
    ]);
  });
});

describe("shellQuote", () => {
  it("leaves safe words bare and quotes the rest so a POSIX shell reads back the same value", () => {
    expect(shellQuote("https://xks.example.com")).toBe("https://xks.example.com");
    const values = ["it's", "a b", "$HOME", "<new secret>", "x;rm -rf /", "`id`", 'say "hi"'];
    for (const v of values) {
      const echoed = execFileSync("sh", ["-c", `printf %s ${shellQuote(v)}`], { encoding: "utf8" });
      expect(echoed).toBe(v);
    }
  });

  it("awsKmsLine never takes the secret from its parameters", () => {
    const line = awsKmsLine("UpdateCustomKeyStore", { CustomKeyStoreId: "cks-1", XksProxyAuthenticationCredential: { AccessKeyId: NEW_KEY, RawSecretAccessKey: SECRET } }, local);
    expect(line).not.toContain(SECRET);
    expect(line).toContain("RawSecretAccessKey=<new secret>");
  });
});
