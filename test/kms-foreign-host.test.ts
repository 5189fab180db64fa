/**
 * The local KMS answers only requests addressed to it on this machine (net/local-request, the admin API's rule):
 * a web page that rebinds its name to 127.0.0.1 (foreign Host) or calls from a browser (Origin) is refused before
 * anything changes, with a KMS-shaped error (an EC2-shaped one on the EC2 query endpoint). The real SDKs still work
 * by 127.0.0.1 and localhost.
 */
import { request } from "node:http";
import { DescribeVpcEndpointServicesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CreateCustomKeyStoreCommand, DescribeCustomKeyStoresCommand, KMSClient } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedLocalKms } from "../src/kms/start-local-kms.js";
import { kmsRequests, startTestKms } from "./helpers/kms-fixture.js";

const CREDENTIALS = { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "x" };
const SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-hostcheck";
const CREATE = JSON.stringify({
  CustomKeyStoreName: "rebound",
  CustomKeyStoreType: "EXTERNAL_KEY_STORE",
  XksProxyUriEndpoint: "https://hostcheck.example.com",
  XksProxyUriPath: "/kms/xks/v1",
  XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
  XksProxyVpcEndpointServiceName: SERVICE,
  XksProxyAuthenticationCredential: { AccessKeyId: "ABCDEFGHIJKLMNOPQRSTUVWX", RawSecretAccessKey: "A".repeat(44) },
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with exactly these headers (fetch would not let a test choose Host). */
interface Sent {
  headers: Record<string, string>;
  body?: string;
  path?: string;
  method?: string;
  /** Where to connect (the Host header is `headers.host`). @default 127.0.0.1 */
  address?: string;
}

function send(port: number, o: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = { host: o.address ?? "127.0.0.1", port, method: o.method ?? "POST", path: o.path ?? "/" };
    const req = request({ ...target, headers: o.headers, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("timeout", () => req.destroy(new Error("no answer within 5 s")));
    req.on("error", reject);
    req.end(o.body);
  });
}

const kmsHeaders = (host: string, extra: Record<string, string> = {}) => ({
  host,
  "content-type": "application/x-amz-json-1.1",
  "x-amz-target": "TrentService.CreateCustomKeyStore",
  ...extra,
});

let kms: StartedLocalKms;
beforeAll(async () => {
  // One service per store the SDK test makes (a VPC endpoint service serves one store).
  const endpointServices = ["", "1", "2"].map((n) => ({
    serviceName: `${SERVICE}${n}`,
    privateDnsName: `hostcheck${n}.example.com`,
    target: "https://127.0.0.1:9",
  }));
  kms = await startTestKms({ endpointServices: { endpointServices } });
});
afterAll(async () => {
  await kms?.stop();
});

async function storeCount(): Promise<number> {
  const client = new KMSClient({ endpoint: kms.url, region: "us-east-1", credentials: CREDENTIALS, maxAttempts: 1 });
  try {
    return (await client.send(new DescribeCustomKeyStoresCommand({}))).CustomKeyStores!.length;
  } finally {
    client.destroy();
  }
}

describe("a request not addressed to the local KMS on this machine is refused before it changes anything", () => {
  const foreignHosts = (port: number) => [
    "evil.example",
    `evil.example:${port}`,
    `localhost.evil.example:${port}`,
    `127.0.0.1:${port + 1}`,
    "127.0.0.1",
  ];

  it("a foreign Host (DNS rebinding) → AccessDeniedException naming the rule and the fix; nothing made", async () => {
    for (const host of foreignHosts(kms.port)) {
      const res = await send(kms.port, { headers: kmsHeaders(host), body: CREATE });
      expect(res.status, host).toBe(400);
      expect(res.headers["content-type"], host).toMatch(/^application\/x-amz-json-1\.1/);
      expect(res.headers["x-amzn-errortype"], host).toBe("AccessDeniedException");
      const body = JSON.parse(res.body) as Record<string, string>;
      expect(Object.keys(body).sort()).toEqual(["__type", "message"]);
      expect(body.__type).toBe("AccessDeniedException");
      const rule = "does not name this listener: it answers only to 127.0.0.1, localhost or [::1] with port";
      expect(body.message, host).toContain(rule);
      const fix = `Fix: use the endpoint http://127.0.0.1:${kms.port} or http://localhost:${kms.port}`;
      expect(body.message, host).toContain(fix);
    }
    expect(await storeCount()).toBe(0);
  });

  it("an Origin (a web page) → AccessDeniedException, even with a loopback Host; nothing is made", async () => {
    for (const origin of ["https://evil.example", `http://127.0.0.1:${kms.port}`, "null"]) {
      const res = await send(kms.port, { headers: kmsHeaders(`127.0.0.1:${kms.port}`, { origin }), body: CREATE });
      expect(res.status, origin).toBe(400);
      const message = expect.stringMatching(/carries Origin .*a web page in a browser may not call this listener/);
      expect(JSON.parse(res.body), origin).toMatchObject({ __type: "AccessDeniedException", message });
    }
    expect(await storeCount()).toBe(0);
  });

  it("the request log and the read-only endpoints are refused too (a rebound page could read them)", async () => {
    for (const path of ["/_local/requests", "/metrics"]) {
      const res = await send(kms.port, { method: "GET", path, headers: { host: `evil.example:${kms.port}` } });
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body), path).toMatchObject({ __type: "AccessDeniedException" });
    }
  });

  it("on the EC2 query endpoint: EC2's XML error (UnauthorizedOperation); nothing is described", async () => {
    const res = await send(kms.port, {
      headers: { host: `evil.example:${kms.port}`, "content-type": "application/x-www-form-urlencoded" },
      body: "Action=DescribeVpcEndpointServices&Version=2016-11-15",
    });
    expect(res.status).toBe(403);
    expect(res.headers["content-type"]).toMatch(/^text\/xml/);
    expect(res.body).toMatch(/<Code>UnauthorizedOperation<\/Code>/);
    expect(res.body).toMatch(/does not name this listener/);
    expect(res.body).not.toContain(SERVICE);
  });

  it("the refused calls are in the request log with their error type", async () => {
    const refusals = ["AccessDeniedException", "UnauthorizedOperation"];
    const refused = (await kmsRequests(kms)).filter((r) => refusals.includes(r.errorType ?? ""));
    expect(refused.length).toBeGreaterThanOrEqual(foreignHosts(kms.port).length + 3);
    expect(refused.some((r) => r.operation === "CreateCustomKeyStore")).toBe(true);
  });
});

describe("the real SDKs keep working", () => {
  it("KMS and EC2 clients by http://127.0.0.1:<port> and http://localhost:<port>", async () => {
    for (const [i, endpoint] of [kms.url, `http://localhost:${kms.port}`].entries()) {
      const credentials = CREDENTIALS;
      const client = new KMSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
      const ec2 = new EC2Client({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
      try {
        const n = `${i + 1}`;
        const input = {
          ...(JSON.parse(CREATE) as object),
          CustomKeyStoreName: `by-${new URL(endpoint).hostname}`,
          XksProxyUriEndpoint: `https://hostcheck${n}.example.com`,
          XksProxyVpcEndpointServiceName: `${SERVICE}${n}`,
        };
        await client.send(new CreateCustomKeyStoreCommand(input as never));
        const services = await ec2.send(new DescribeVpcEndpointServicesCommand({ ServiceNames: [SERVICE] }));
        expect(services.ServiceDetails!.map((s) => s.ServiceName)).toEqual([SERVICE]);
      } finally {
        client.destroy();
        ec2.destroy();
      }
    }
    expect(await storeCount()).toBe(2);
  });

  it("a local KMS started on another loopback address answers to that address as Host too", async () => {
    const other = await startTestKms({ host: "127.0.0.2" });
    try {
      expect(other.url).toBe(`http://127.0.0.2:${other.port}`);
      const get = (host: string) =>
        send(other.port, { address: "127.0.0.2", method: "GET", path: "/_local/requests", headers: { host } });
      expect((await get(`127.0.0.2:${other.port}`)).status).toBe(200);
      const refused = JSON.parse((await get(`127.0.0.3:${other.port}`)).body) as { __type: string; message: string };
      expect(refused.__type).toBe("AccessDeniedException");
      expect(refused.message).toContain("127.0.0.1, localhost, [::1] or 127.0.0.2");
      expect(refused.message).toContain(`or the address it was started on (http://127.0.0.2:${other.port})`);
    } finally {
      await other.stop();
    }
  });
});
