/**
 * The built `xks-mock` with some of the dev PKI in its certs dir (as a user copies files into a container):
 * a set it cannot use is refused at start (exit 2, naming the missing files, nothing written) instead of being
 * silently replaced by a new PKI; a server certificate and key without the CA key are served as they are.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { trustAnchors, XksClient } from "../src/client/index.js";
import { DEV_PKI_FILES, type DevPkiFile } from "../src/pki/dev-pki-files.js";
import { packageRoot } from "../src/package-root.js";
import { PUBLIC_TEST_CREDENTIAL } from "../src/proxy/config-schema.js";
import { runCli, scrubbedEnv } from "./helpers/cli-process.js";
import { pem, pkiPath } from "./helpers/proxy-fixture.js";

const MOCK = join(packageRoot(), "dist/src/bin/xks-mock.js");
const WAIT_MS = 15_000;
const root = mkdtempSync(join(tmpdir(), "xks-partial-pki-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A certs dir holding copies of these files of the test run's dev PKI. */
function certsDirWith(files: DevPkiFile[]): string {
  const dir = mkdtempSync(join(root, "certs-"));
  for (const f of files) copyFileSync(pkiPath(f), join(dir, DEV_PKI_FILES[f]));
  return dir;
}

describe("xks-mock with part of the dev PKI in --certs-dir", () => {
  it("only ca.pem → exit 2 naming the five missing files; nothing written", async () => {
    const dir = certsDirWith(["caCert"]);
    const r = await runCli(MOCK, ["--certs-dir", dir, "--port", "0", "--admin-port", "off", "--no-kms"]);

    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${dir} holds part of a dev PKI (ca.pem) but not ca.key.pem, server.pem, server.key.pem, client.pem, client.key.pem. Nothing was changed.`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(readdirSync(dir)).toEqual(["ca.pem"]);
    expect(readFileSync(join(dir, "ca.pem"), "utf8")).toBe(pem("caCert"));
  });

  it("server.pem + server.key.pem only → starts and serves them (no CA file in the banner), mints nothing", async () => {
    const dir = certsDirWith(["serverCert", "serverKey"]);
    // With the local KMS too: it trusts the proxy's CA file, when there is one.
    const child = spawn(process.execPath, [MOCK, "--certs-dir", dir, "--port", "0", "--admin-port", "off", "--kms-port", "0", "--no-demo-store"], { cwd: packageRoot(), env: scrubbedEnv({ NO_COLOR: "1" }) });
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner within ${WAIT_MS} ms:\n${stderr}`)), WAIT_MS);
        child.stderr.setEncoding("utf8").on("data", (s: string) => {
          stderr += s;
          const m = /xks-mock listening on (https:\/\/\S+)/.exec(stderr);
          if (m && /local KMS on /.test(stderr)) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        void exited.then((code) => reject(new Error(`xks-mock exited with ${code}:\n${stderr}`)));
      });
      expect(stderr).not.toContain("CA file:");

      const client = new XksClient({ baseUrl: `${url.replace("127.0.0.1", "localhost")}/example/uri/path/prefix/kms/xks/v1`, region: "us-east-1", credential: PUBLIC_TEST_CREDENTIAL }, { ca: trustAnchors([pem("caCert")]), timeoutMs: 5000 });
      try {
        expect((await client.health()).status).toBe(200);
      } finally {
        await client.close();
      }
      expect(readdirSync(dir).sort()).toEqual(["server.key.pem", "server.pem"]);
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  });
});
