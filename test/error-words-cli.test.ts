/**
 * Errors a user meets, through the built CLI: each names the cause in words and the fix, never a bare errno code or
 * the library's message. A KMS endpoint where nothing listens (update), a proxy host name that does not resolve
 * (the load warm-up).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { randomXksCredential } from "../src/client/random-credential.js";
import { packageRoot } from "../src/package-root.js";
import { runCli } from "./helpers/cli-process.js";
import { closedPort } from "./helpers/check-servers.js";

const CLI = join(packageRoot(), "dist", "harness", "cli.js");
const cred = randomXksCredential();
const env = { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey };

describe("errors in words", () => {
  it("update with --kms-endpoint where nothing listens: names the endpoint and what to do, no ECONNREFUSED", async () => {
    const port = await closedPort();
    const kmsEndpoint = `http://127.0.0.1:${port}`;
    const run = await runCli(
      CLI,
      ["update", "--custom-key-store-id", "cks-1234567890abcdef0", "--kms-endpoint", kmsEndpoint, "--endpoint", "https://localhost:1", "--yes"],
      env,
    );
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toBe(
      `xks-harness: KMS call to --kms-endpoint ${kmsEndpoint} failed: nothing listens on 127.0.0.1:${port} (connection refused). ` +
        "Fix: start the local KMS (xks-mock) there, or correct --kms-endpoint\n",
    );
  });

  it("load warm-up against a host name that does not resolve: says so and what to check, no ENOTFOUND", async () => {
    const run = await runCli(
      CLI,
      ["load", "--endpoint", "https://nosuchhost.invalid", "--path", "/kms/xks/v1", "--access-key-id", cred.accessKeyId, "--key-id", "foo", "--yes", "--duration", "1", "--rate", "1"],
      env,
    );
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^xks-harness: warm-up encrypt with key foo failed: the host name nosuchhost\.invalid does not resolve \(no DNS record\)\. Fix: check its spelling in --endpoint/);
    expect(run.stderr).not.toMatch(/ENOTFOUND|getaddrinfo/);
  });
});
