/**
 * The input check, offline: every rule UpdateCustomKeyStore applies to its input (the KMS API model and
 * the spec's URI rules), each violation naming the field, the rule and a fix, and --dev turning only the KMS-only rules into warnings.
 */
import { describe, expect, it } from "vitest";
import { inputCheck, inputProblems } from "./input.js";
import type { XksSettings } from "../common/settings.js";
import type { CheckOptions } from "./types.js";

const SECRET = "FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE";
const VALID: XksSettings = {
  endpoint: "https://xks.example.com",
  path: "/example/uri/path/prefix/kms/xks/v1",
  accessKeyId: "BETWEEN2TENAND3TENCHARACTERS",
  secretAccessKey: SECRET,
};

function options(settings: Partial<XksSettings> = {}, over: Partial<CheckOptions> = {}): CheckOptions {
  return { settings: { ...VALID, ...settings }, region: "us-east-1", connectivity: "PUBLIC_ENDPOINT", keyIds: [], extraCa: [], dev: false, timeoutMs: 3000, verbose: false, ...over };
}

/** The problems as "severity: message" lines. */
function problems(o: CheckOptions): string[] {
  return inputProblems(o).map((p) => `${p.severity}: ${p.message}`);
}

describe("valid input", () => {
  it("passes with no problem", () => {
    expect(inputProblems(options())).toEqual([]);
    expect(inputCheck(options())).toMatchObject({ id: "input", status: "pass", fix: undefined });
  });

  it("accepts the shortest path (/kms/xks/v1), 30-char ids, 64-char secrets and a valid VPC endpoint service", () => {
    const o = options(
      { path: "/kms/xks/v1", accessKeyId: "A".repeat(30), secretAccessKey: "a/+=".repeat(16) },
      { connectivity: "VPC_ENDPOINT_SERVICE", vpcEndpointServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", keyIds: ["foo", "a-b_c.d"] },
    );
    expect(inputProblems(o)).toEqual([]);
  });
});

describe("each KMS rule, violated", () => {
  const cases: { name: string; o: CheckOptions; field: RegExp }[] = [
    { name: "endpoint over http://", o: options({ endpoint: "http://xks.example.com" }), field: /XksProxyUriEndpoint is not an https:\/\/ URL/ },
    { name: "endpoint with a path", o: options({ endpoint: "https://xks.example.com/xks" }), field: /XksProxyUriEndpoint has '\/' at position 24, which is not allowed/ },
    { name: "endpoint with a port, without --dev", o: options({ endpoint: "https://xks.example.com:8443" }), field: /XksProxyUriEndpoint has port 8443/ },
    { name: "endpoint that is an IP address", o: options({ endpoint: "https://203.0.113.7" }), field: /XksProxyUriEndpoint is an IP address/ },
    { name: "endpoint host that is not an FQDN", o: options({ endpoint: "https://xksproxy" }), field: /host xksproxy is not a fully qualified domain name/ },
    { name: "endpoint over 128 chars", o: options({ endpoint: `https://${"a".repeat(117)}.com` }), field: /XksProxyUriEndpoint is 129 chars, longer than 128/ },
    { name: "path outside the regex (space)", o: options({ path: "/bad prefix/kms/xks/v1" }), field: /XksProxyUriPath has a space at position 5, which is not allowed/ },
    { name: "path not ending in /kms/xks/vN", o: options({ path: "/example/kms/xks" }), field: /XksProxyUriPath has only allowed characters, but not the form the rule requires/ },
    { name: "path over 128 chars", o: options({ path: `/${"p".repeat(117)}/kms/xks/v1` }), field: /XksProxyUriPath is 129 chars, longer than 128/ },
    { name: "path shorter than 10", o: options({ path: "/kms/xks" }), field: /XksProxyUriPath is 8 chars, shorter than 10/ },
    { name: "access key id of 19 chars", o: options({ accessKeyId: "A".repeat(19) }), field: /AccessKeyId is 19 chars, shorter than 20/ },
    { name: "access key id of 31 chars", o: options({ accessKeyId: "A".repeat(31) }), field: /AccessKeyId is 31 chars, longer than 30/ },
    { name: "access key id in lowercase", o: options({ accessKeyId: "between2tenand3tencharacters" }), field: /AccessKeyId has 'b' at position 1, which is not allowed: must be 20-30 chars of A-Z and 2-7/ },
    { name: "access key id with 0, 1, 8 or 9", o: options({ accessKeyId: "AKIA0123456789EXAMPLE" }), field: /AccessKeyId has '0' at position 5, which is not allowed/ },
    { name: "secret of 42 chars", o: options({ secretAccessKey: "s".repeat(42) }), field: /RawSecretAccessKey is 42 chars, shorter than 43/ },
    { name: "secret of 65 chars", o: options({ secretAccessKey: "s".repeat(65) }), field: /RawSecretAccessKey is 65 chars, longer than 64/ },
    { name: "secret with a character outside a-zA-Z0-9/+=", o: options({ secretAccessKey: `${"s".repeat(42)}-` }), field: /RawSecretAccessKey has a character at position 43, which is not allowed/ },
    { name: "VPC_ENDPOINT_SERVICE without a service name", o: options({}, { connectivity: "VPC_ENDPOINT_SERVICE" }), field: /XksProxyVpcEndpointServiceName is missing/ },
    { name: "VPC_ENDPOINT_SERVICE with a bad service name", o: options({}, { connectivity: "VPC_ENDPOINT_SERVICE", vpcEndpointServiceName: "vpce-svc-0123456789abcdef0.example" }), field: /XksProxyVpcEndpointServiceName has only allowed characters, but not the form the rule requires/ },
    { name: "a service name with PUBLIC_ENDPOINT", o: options({}, { vpcEndpointServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0" }), field: /only allowed with XksProxyConnectivity VPC_ENDPOINT_SERVICE/ },
    { name: "key id ..", o: options({}, { keyIds: [".."] }), field: /XksKeyId "\.\." cannot be routed/ },
    { name: "key id with a /", o: options({}, { keyIds: ["a/b"] }), field: /XksKeyId has '\/' at position 2, which is not allowed/ },
    { name: "key id over 128 chars", o: options({}, { keyIds: ["k".repeat(129)] }), field: /XksKeyId is 129 chars, longer than 128/ },
    // 23 (endpoint) + 128 (path) + 6 (/keys/) + 100 + 9 (/metadata) = 266 > 256, though each part is valid alone.
    { name: "key URI over 256 chars", o: options({ path: `/${"p".repeat(116)}/kms/xks/v1` }, { keyIds: ["k".repeat(100)] }), field: /its URI would be 266 chars; the spec allows 256/ },
    { name: "region that is not a region name", o: options({}, { region: "US_EAST_1" }), field: /--region US_EAST_1 is not a region name/ },
    { name: "current settings with a bad access key id", o: options({}, { current: { ...VALID, accessKeyId: "short" } }), field: /current XksProxyAuthenticationCredential\.AccessKeyId is 5 chars/ },
  ];

  it.each(cases)("$name → one error naming the field, the rule and a fix; input fails", ({ o, field }) => {
    const found = problems(o).filter((p) => p.startsWith("error: "));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(field);
    expect(found[0]).toMatch(/Fix: \S/);
    const result = inputCheck(o);
    expect(result.status).toBe("fail");
    expect(result.fix).toMatch(/ValidationException/);
    expect(result.detail).toMatch(field);
  });

  it("a v2 path follows the KMS rule but is only a warning: this harness speaks v1", () => {
    expect(problems(options({ path: "/example/kms/xks/v2" }))).toEqual([expect.stringMatching(/^warn: XksProxyUriPath does not end in \/kms\/xks\/v1/)]);
  });

  it("names every problem when several fields are wrong", () => {
    const found = problems(options({ endpoint: "http://x", accessKeyId: "lower", secretAccessKey: "short" }));
    expect(found).toEqual([
      expect.stringMatching(/^error: XksProxyUriEndpoint is not an https/),
      expect.stringMatching(/^error: XksProxyAuthenticationCredential\.AccessKeyId /),
      expect.stringMatching(/^error: XksProxyAuthenticationCredential\.RawSecretAccessKey /),
    ]);
  });

  it("a failing row shows its errors before its warnings", () => {
    const result = inputCheck(options({ path: "/example/kms/xks/v2", accessKeyId: "lower" }));
    expect(result.status).toBe("fail");
    expect(result.detail.split("\n")).toEqual([expect.stringMatching(/^XksProxyAuthenticationCredential\.AccessKeyId /), expect.stringMatching(/^\(warning\) XksProxyUriPath does not end in/)]);
  });

  it("names --dev in the fix when only local-use rules fail (port, localhost, IP), and not when a real rule fails too", () => {
    for (const endpoint of ["https://localhost:8443", "https://127.0.0.1", "https://xks.example.com:8443"]) {
      expect(inputCheck(options({ endpoint })).fix, endpoint).toMatch(/pass --dev/);
    }
    expect(inputCheck(options({ endpoint: "https://localhost:8443", accessKeyId: "lower" })).fix).not.toMatch(/--dev/);
  });

  it("never repeats a secret, even an invalid one, in its messages", () => {
    const secret = `${SECRET}${SECRET}`.slice(0, 65);
    const result = inputCheck(options({ secretAccessKey: secret }, { current: { ...VALID, secretAccessKey: `${secret}!` } }));
    expect(result.status).toBe("fail");
    expect(result.detail).toMatch(/RawSecretAccessKey is 65 chars/);
    expect(JSON.stringify(result)).not.toContain(SECRET.slice(0, 20));
  });
});

describe("--dev", () => {
  it("turns a port into a warning", () => {
    expect(problems(options({ endpoint: "https://xks.example.com:8443" }, { dev: true }))).toEqual([expect.stringMatching(/^warn: XksProxyUriEndpoint has port 8443/)]);
    expect(inputCheck(options({ endpoint: "https://xks.example.com:8443" }, { dev: true }))).toMatchObject({ status: "warn", fix: "fine for local use; real KMS needs these fixed" });
  });

  it("turns an IP address and localhost into warnings", () => {
    expect(problems(options({ endpoint: "https://127.0.0.1:9443" }, { dev: true }))).toEqual([expect.stringMatching(/^warn: .*port 9443/), expect.stringMatching(/^warn: .*is an IP address/)]);
    expect(problems(options({ endpoint: "https://localhost:9443" }, { dev: true }))).toEqual([expect.stringMatching(/^warn: .*port 9443/), expect.stringMatching(/^warn: .*host localhost is not a fully qualified/)]);
  });

  it("relaxes nothing else: http://, a path in the endpoint and a bad credential are still errors", () => {
    for (const o of [options({ endpoint: "http://localhost:8443" }, { dev: true }), options({ endpoint: "https://localhost:8443/x" }, { dev: true }), options({ accessKeyId: "lower" }, { dev: true })]) {
      expect(inputCheck(o).status).toBe("fail");
    }
  });
});
