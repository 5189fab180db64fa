/**
 * `xks-mock` and its certs directory (the built CLI, in a child process): a directory it cannot write is named as
 * such with the way out (never as a listen error), a configured certificate that has expired stops the start
 * naming it, a dev server certificate close to expiry is renewed from the kept CA with one log line, and the banner
 * comes last and whole, after the start-up log lines.
 */
import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../src/package-root.js";
import { defaultConfigInput } from "../src/proxy/config-schema.js";
import { DEFAULT_SERVER_NAMES, generateLeaf } from "../src/pki/dev-pki.js";
import { ensureDevPki } from "../src/pki/dev-pki-files.js";
import { scrubbedEnv } from "./helpers/cli-process.js";

const CLI = join(packageRoot(), "dist/src/bin/xks-mock.js");
const WAIT_MS = 45_000;
const TEST_MS = 90_000;
const DAY_MS = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), "xks-mock-certs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Mock {
  /** stdout and stderr as one stream, in the order the process wrote them. */
  output: () => string;
  waitFor(pattern: RegExp): Promise<void>;
  exit: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** The mock with stdout and stderr on one pipe (through sh), so the order of log lines and banner is kept. */
function startMock(args: string[], env: Record<string, string> = {}): Mock {
  const argv = [CLI, "--port", "0", "--admin-port", "0", "--kms-port", "0", ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`);
  const child = spawn("sh", ["-c", `exec '${process.execPath}' ${argv.join(" ")} 2>&1`], { env: scrubbedEnv(env), stdio: ["ignore", "pipe", "ignore"] });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (output += s));
  const exit = once(child, "exit").then(([code]) => code as number | null);
  const bounded = <T>(p: Promise<T>, what: string) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${WAIT_MS} ms; output:\n${output}`)), WAIT_MS).unref())]);
  return {
    output: () => output,
    waitFor: (pattern) =>
      bounded(
        new Promise<void>((resolve, reject) => {
          const check = () => pattern.test(output) && (child.stdout.off("data", check), resolve());
          child.stdout.on("data", check);
          void exit.then(() => (pattern.test(output) ? resolve() : reject(new Error(`exited before ${pattern}; output:\n${output}`))));
          check();
        }),
        `no ${pattern}`,
      ),
    exit: bounded(exit, "no exit"),
    stop: () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return bounded(exit, "no exit after SIGTERM");
    },
  };
}

// One mock at a time: five starting together on a loaded 2-core machine outlast any sane bound.
describe("xks-mock and its certs directory", () => {
  it("a certs dir that cannot be written: exit 2 naming the directory, --certs-dir and XKS_MOCK_CERTS_DIR, not a listen error", { timeout: TEST_MS }, async () => {
    // A file where a directory should be stops root too (permission bits would not; the tarball test covers EACCES).
    const blocked = join(dir, "a-file");
    writeFileSync(blocked, "");
    const mock = startMock(["--certs-dir", join(blocked, "certs")]);
    expect(await mock.exit).toBe(2);
    expect(mock.output()).toContain(`xks-mock: cannot create the dev PKI directory in ${join(blocked, "certs")}: a part of the path is a file, not a directory. Fix: --certs-dir DIR (or XKS_MOCK_CERTS_DIR=DIR)`);
    expect(mock.output()).not.toMatch(/cannot listen|listening on/);
  });

  it("XKS_MOCK_CERTS_DIR sets the directory when --certs-dir is absent", { timeout: TEST_MS }, async () => {
    const certs = join(dir, "from-env");
    const mock = startMock(["--no-kms"], { XKS_MOCK_CERTS_DIR: certs });
    await mock.waitFor(/try it:[\s\S]*\/health\n/);
    expect(mock.output()).toContain(`certs dir:  ${certs} (XKS_MOCK_CERTS_DIR)`);
    expect(mock.output()).toContain(`CA file:    ${join(certs, "ca.pem")} (SHA-256 ${new X509Certificate(readFileSync(join(certs, "ca.pem"))).fingerprint256})`);
    expect(await mock.stop()).toBe(0);
  });

  it("a configured server certificate that has expired: exit 2 naming the file", { timeout: TEST_MS }, async () => {
    const pki = await ensureDevPki(join(dir, "for-expired"));
    const ca = { cert: readFileSync(pki.paths.caCert, "utf8"), key: readFileSync(pki.paths.caKey, "utf8") };
    const expired = await generateLeaf(ca, { subject: "localhost", serverNames: [...DEFAULT_SERVER_NAMES], notAfter: new Date(Date.now() - 2 * DAY_MS), validDays: 30 });
    const certFile = join(dir, "expired.pem");
    const keyFile = join(dir, "expired.key.pem");
    writeFileSync(certFile, expired.cert);
    writeFileSync(keyFile, expired.key, { mode: 0o600 });
    const config = join(dir, "expired-config.json");
    const base = defaultConfigInput();
    writeFileSync(config, JSON.stringify({ ...base, tls: { ...base.tls, certFile, keyFile } }));
    const mock = startMock(["--config", config, "--no-kms", "--certs-dir", pki.dir]);
    expect(await mock.exit).toBe(2);
    expect(mock.output()).toMatch(new RegExp(`xks-mock: the server certificate ${certFile} expired on \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\. Fix: renew it`));
  });

  it("a dev server certificate expiring within 30 days: renewed from the same CA at start, one log line, then served", { timeout: TEST_MS }, async () => {
    const pki = await ensureDevPki(join(dir, "renew"));
    const ca = { cert: readFileSync(pki.paths.caCert, "utf8"), key: readFileSync(pki.paths.caKey, "utf8") };
    const soon = await generateLeaf(ca, { subject: "localhost", serverNames: [...DEFAULT_SERVER_NAMES], notAfter: new Date(Date.now() + 10 * DAY_MS), validDays: 90 });
    writeFileSync(pki.paths.serverCert, soon.cert);
    writeFileSync(pki.paths.serverKey, soon.key, { mode: 0o600 });
    const mock = startMock(["--no-kms", "--certs-dir", pki.dir]);
    await mock.waitFor(/try it:[\s\S]*\/health\n/);
    const renewals = mock.output().split("\n").filter((l) => l.includes("dev certificate renewed"));
    expect(renewals).toHaveLength(1);
    expect(JSON.parse(renewals[0]!)).toMatchObject({ level: 40, file: pki.paths.serverCert, msg: "dev certificate renewed from the dev CA (the CA is kept)" });
    expect(readFileSync(pki.paths.caCert, "utf8")).toBe(ca.cert);
    const served = new X509Certificate(readFileSync(pki.paths.serverCert));
    expect(Date.parse(served.validTo) - Date.now()).toBeGreaterThan(800 * DAY_MS);
    expect(served.verify(new X509Certificate(ca.cert).publicKey)).toBe(true);
    expect(await mock.stop()).toBe(0);
  });

  it("the banner comes last and whole: every start-up log line (the demo stores' pre-wiring) is before it", { timeout: TEST_MS }, async () => {
    const mock = startMock(["--certs-dir", join(dir, "banner")]);
    await mock.waitFor(/try: AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws kms encrypt .*\n/);
    const out = mock.output();
    const start = out.indexOf("xks-mock listening on ");
    expect(out.slice(0, start)).toMatch(/"msg":"kms request"/);
    const banner = out.slice(start);
    expect(banner).not.toMatch(/^\{/m);
    expect(banner).toMatch(/custom key store xks-demo \(cks-[0-9a-f]+\) CONNECTED/);
    expect(banner.trimEnd().split("\n").at(-1)).toMatch(/^ {2}try: AWS_ACCESS_KEY_ID=local /);
    expect(await mock.stop()).toBe(0);
  });
});
