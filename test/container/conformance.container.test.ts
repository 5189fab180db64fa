/**
 * `xks-harness conformance --image`: the built CLI starts xks-mock as a container (testcontainers), runs the
 * strict suite against it and removes the container. The image comes from scripts/build-images.sh; the mock's
 * TLS files are the test run's dev PKI, copied in with --image-file (or named by a config file copied in with
 * --image-config), so the suite trusts the server with --ca; or the PKI the mock makes on first start, trusted with
 * --image-ca-path.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEV_PKI_FILES } from "../../src/pki/dev-pki-files.js";
import { defaultConfigInput, PUBLIC_TEST_CREDENTIAL } from "../../src/proxy/config-schema.js";
import { containerTestsBlocked, harnessContainers, lastLine, MOCK_IMAGE, ON_CI, runCli } from "./docker.js";

const blocked = containerTestsBlocked();
if (blocked && !ON_CI) console.warn(`container tests skipped: ${blocked}`);

const pki = (file: keyof typeof DEV_PKI_FILES) => join(inject("pkiDir"), DEV_PKI_FILES[file]);
const SUMMARY = /^(\d+) passed, (\d+) failed, (\d+) skipped$/;

/** The AWS test client's defaults, which the mock's default configuration serves. */
const TC_FLAGS = [
  "--path", "/example/uri/path/prefix/kms/xks/v1",
  "--access-key-id", PUBLIC_TEST_CREDENTIAL.accessKeyId,
  "--key-id", "foo",
  "--encrypt-only-key-id", "encrypt_only_key",
  "--decrypt-only-key-id", "decrypt_only_key",
  "--impotent-key-id", "impotent_key",
  "--disabled-key-id", "disabled_key",
];
const TC_ENV = { XKS_SECRET_ACCESS_KEY: PUBLIC_TEST_CREDENTIAL.secretAccessKey };

/** The run's dev PKI into the mock's certs dir (/app/certs), where it looks before making one of its own. */
const devPkiCopies = () => (Object.keys(DEV_PKI_FILES) as (keyof typeof DEV_PKI_FILES)[]).flatMap((f) => ["--image-file", `${pki(f)}:/app/certs/${DEV_PKI_FILES[f]}`]);

describe.runIf(ON_CI)("on CI", () => {
  it("has a usable Docker and the xks-mock image", () => {
    expect(blocked, "CI builds the images (scripts/build-images.sh) and starts dockerd before this run").toBeUndefined();
  });
});

describe.skipIf(blocked !== undefined)(`conformance --image ${MOCK_IMAGE}${blocked ? ` (skipped: ${blocked})` : ""}`, () => {
  let before: string[];
  beforeAll(() => {
    before = harnessContainers();
  });
  afterAll(() => {
    expect(harnessContainers().filter((id) => !before.includes(id)), "containers left behind").toEqual([]);
  });

  it("passes clean against the mock with the dev PKI copied into its certs dir, and removes the container", async () => {
    const r = await runCli(["conformance", "--image", MOCK_IMAGE, ...devPkiCopies(), ...TC_FLAGS, "--ca", pki("caCert"), "--no-color"], { env: TC_ENV });

    expect(r.code, r.stderr + r.stdout).toBe(0);
    const [, passed, failed, skipped] = SUMMARY.exec(lastLine(r.stdout)) ?? [];
    expect(lastLine(r.stdout)).toMatch(SUMMARY);
    expect(Number(failed)).toBe(0);
    expect(Number(passed)).toBeGreaterThan(49);
    // Only the mTLS cases need more than this run gives.
    expect(Number(skipped)).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/answers on https:\/\/localhost:\d+ after/);
    expect(harnessContainers().filter((id) => !before.includes(id))).toEqual([]);
  });

  it("as a newcomer runs it: the image makes its own PKI and --image-ca-path trusts its CA (no --ca, no --image-file)", async () => {
    const r = await runCli(["conformance", "--image", MOCK_IMAGE, "--image-ca-path", "/app/certs/ca.pem", ...TC_FLAGS, "--no-color"], { env: TC_ENV });

    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stderr).toMatch(/trusting \/app\/certs\/ca\.pem from container [0-9a-f]{12} for this run/);
    const [, passed, failed] = SUMMARY.exec(lastLine(r.stdout)) ?? [];
    expect(Number(failed)).toBe(0);
    expect(Number(passed)).toBeGreaterThan(49);
    expect(harnessContainers().filter((id) => !before.includes(id))).toEqual([]);
  });

  it("without a trusted CA: one setup failure whose fix is --image-ca-path, every case skipped, not 80 failures", async () => {
    const r = await runCli(["conformance", "--image", MOCK_IMAGE, ...TC_FLAGS, "--no-color"], { env: TC_ENV });

    expect(r.code, r.stderr + r.stdout).toBe(1);
    expect(r.stdout.split("\n").filter((l) => l.startsWith("FAIL "))).toHaveLength(1);
    expect(r.stdout).toContain("actual:   untrusted CA: ");
    expect(r.stdout).toContain("fix:      pass --image-ca-path PATH to trust the CA the container holds (the bundled xks-mock image: --image-ca-path /app/certs/ca.pem), or --ca FILE");
    expect(lastLine(r.stdout)).toMatch(/^0 passed, 1 failed, \d+ skipped$/);
  });

  it("with part of the dev PKI copied in (ca.pem, server.pem, server.key.pem: no CA key) the mock serves it as it is", async () => {
    const copies = (["caCert", "serverCert", "serverKey"] as const).flatMap((f) => ["--image-file", `${pki(f)}:/app/certs/${DEV_PKI_FILES[f]}`]);
    const r = await runCli(["conformance", "--image", MOCK_IMAGE, ...copies, ...TC_FLAGS, "--ca", pki("caCert"), "--no-color"], { env: TC_ENV });

    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(lastLine(r.stdout)).toMatch(/^\d+ passed, 0 failed, \d+ skipped$/);
  });

  it("with a set it cannot use copied in (ca.pem alone) the mock refuses to start, naming the missing files", async () => {
    const r = await runCli(["conformance", "--image", MOCK_IMAGE, "--image-file", `${pki("caCert")}:/app/certs/ca.pem`, ...TC_FLAGS, "--ca", pki("caCert")], { env: TC_ENV });

    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/exited with code 2 before it answered TLS on 443\/tcp/);
    expect(r.stderr).toContain("holds part of a dev PKI (ca.pem) but not ca.key.pem, server.pem, server.key.pem, client.pem, client.key.pem");
    expect(r.stdout).toBe("");
  });

  it("runs every case, mTLS included, with --image-config naming TLS files copied by --image-file and --image-env", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xks-container-config-"));
    try {
      const second = { accessKeyId: "SECONDCREDENTIALFORTHETESTS", secretAccessKey: "U2Vjb25kIHNlY3JldCBvZiB0aGUgY29udGFpbmVyIHRlc3Q=" };
      const [keystore] = defaultConfigInput().keystores;
      const config = {
        keystores: [{ ...keystore!, credentials: [{ ...PUBLIC_TEST_CREDENTIAL }, second] }],
        tls: { certFile: "/config/tls/server.pem", keyFile: "/config/tls/server.key.pem", mtls: true, clientCaFile: "/config/tls/ca.pem" },
        logLevel: "warn",
      };
      const configFile = join(dir, "config.json");
      writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
      const r = await runCli(
        [
          "conformance", "--image", MOCK_IMAGE,
          "--image-config", configFile,
          "--image-env", "XKS_MOCK_CONFIG=/config/config.json",
          "--image-file", `${pki("serverCert")}:/config/tls/server.pem`,
          "--image-file", `${pki("serverKey")}:/config/tls/server.key.pem`,
          "--image-file", `${pki("caCert")}:/config/tls/ca.pem`,
          ...TC_FLAGS,
          "--second-access-key-id", second.accessKeyId,
          "--client-cert", pki("clientCert"), "--client-key", pki("clientKey"),
          "--client-ca-cert", pki("caCert"), "--client-ca-key", pki("caKey"),
          "--ca", pki("caCert"), "--json",
        ],
        { env: { ...TC_ENV, XKS_SECOND_SECRET_ACCESS_KEY: second.secretAccessKey } },
      );

      expect(r.code, r.stderr + r.stdout.slice(0, 2000)).toBe(0);
      const report = JSON.parse(r.stdout) as { ok: boolean; summary: { failed: number; skipped: number }; cases: { id: string; status: string; actual: string }[] };
      expect(report.ok).toBe(true);
      expect(report.summary.failed).toBe(0);
      const status = Object.fromEntries(report.cases.map((c) => [c.id, c.status]));
      for (const id of ["mtls-accepted", "mtls-no-certificate", "mtls-wrong-ca", "mtls-wrong-subject", "sigv4-second-credential"]) expect(status[id], id).toBe("pass");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails with the container's exit code and last log lines when the proxy exits at start", async () => {
    const r = await runCli(["conformance", "--image", MOCK_IMAGE, "--image-env", "XKS_MOCK_PORT=not-a-port", ...TC_FLAGS, "--ca", pki("caCert")], { env: TC_ENV });

    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/exited with code 2 before it answered TLS on 443\/tcp/);
    expect(r.stderr).toContain("| xks-mock: XKS_MOCK_PORT=not-a-port: must be a whole number");
    expect(r.stdout).toBe("");
  });

  it("gives up after the startup bound when nothing answers on --image-port, quoting the log", async () => {
    // The mock listens on 443; nothing listens on 8443, so only Docker's port proxy takes the connection.
    const r = await runCli(["conformance", "--image", MOCK_IMAGE, "--image-port", "8443", ...TC_FLAGS, "--ca", pki("caCert")], {
      env: { ...TC_ENV, XKS_IMAGE_STARTUP_TIMEOUT_MS: "3000" },
    });

    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/did not answer TLS on 8443\/tcp within 3\.0 s of starting \(last try: /);
    expect(r.stderr).toContain("| xks-mock listening on https://localhost:443");
    expect(harnessContainers().filter((id) => !before.includes(id))).toEqual([]);
  });

  it("refuses an image that does not exist with a clear message, and leaves no container", async () => {
    const image = "xks-harness/no-such-image:never-built";
    const r = await runCli(["conformance", "--image", image, ...TC_FLAGS], { env: TC_ENV, timeoutMs: 120_000 });

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^xks-harness: --image ${image}: not on this Docker host, and pulling it failed: .+`, "m"));
    expect(r.stdout).toBe("");
    expect(harnessContainers().filter((id) => !before.includes(id))).toEqual([]);
  });

  it("removes the container when interrupted (SIGINT) while the suite runs, and exits 130", async () => {
    let interrupted = false;
    const r = await runCli(["conformance", "--image", MOCK_IMAGE, ...devPkiCopies(), ...TC_FLAGS, "--ca", pki("caCert")], {
      env: TC_ENV,
      onStderr: (text, child) => {
        if (!interrupted && /answers on https:/.test(text)) {
          interrupted = true;
          child.kill("SIGINT");
        }
      },
    });

    expect(interrupted, r.stderr).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: removing container [0-9a-f]{12}/);
    expect(harnessContainers().filter((id) => !before.includes(id))).toEqual([]);
  });
});
