/**
 * The `xks-mock` CLI as a user runs it: the built `dist/src/bin/xks-mock.js` in a child process, on ephemeral
 * ports, with the test run's dev PKI. Banner, exit codes, env overrides, reload on file change and on SIGHUP,
 * and that a secret other than the public test one is never printed.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, inject, it, type TestContext } from "vitest";
import { DEFAULT_PATH_PREFIX, PUBLIC_TEST_CREDENTIAL, type ProxyConfigInput } from "../src/proxy/config-schema.js";
import { packageRoot } from "../src/package-root.js";
import type { XksCredential } from "../src/xks/sigv4/sign.js";
import { XksClient } from "../src/client/index.js";
import { hasCommand, scrubbedEnv } from "./helpers/cli-process.js";
import { pkiPath } from "./helpers/proxy-fixture.js";

const ROOT = packageRoot();
const CLI = join(ROOT, "dist/src/bin/xks-mock.js");
/** Bound on every wait for the child (start, banner, reload, exit). Generous: CI machines can be slow to start node. */
const WAIT_MS = 15_000;
/** Each test spawns its own CLI; they run concurrently, each bounded by this. */
const TEST_MS = 30_000;

const OLD: XksCredential = { accessKeyId: "CLIOLDACCESSKEYID234567", secretAccessKey: "CliOldSecretCliOldSecretCliOldSecretCliOldSecret01" };
const NEW: XksCredential = { accessKeyId: "CLINEWACCESSKEYID234567", secretAccessKey: "CliNewSecretCliNewSecretCliNewSecretCliNewSecret0123" };

const dir = mkdtempSync(join(tmpdir(), "xks-cli-"));
let fileCount = 0;
const configOf = (credentials: XksCredential[]): ProxyConfigInput => ({
  keystores: [{ name: "cli", pathPrefix: "/cli/prefix", credentials, keys: [{ id: "foo" }] }],
});
function writeConfig(content: ProxyConfigInput | string, file = join(dir, `config-${++fileCount}.json`)): string {
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
}

/** Every 8-char piece of a secret: a partial leak is a leak. */
function expectNoSecret(text: string, secret: string) {
  expect(text).not.toContain(secret);
  for (let i = 0; i + 8 <= secret.length; i++) expect(text.includes(secret.slice(i, i + 8)), `secret piece "${secret.slice(i, i + 8)}" printed`).toBe(false);
}

interface Cli {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when the stream's text so far matches; rejects after WAIT_MS or if the process exits first. */
  waitFor(stream: "stdout" | "stderr", pattern: RegExp): Promise<RegExpMatchArray>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  clients: XksClient[];
}

/** Starts the CLI; the process (and the clients made for it) are killed and closed when the current test ends. */
function startCli(t: TestContext, args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, [CLI, "--no-kms", ...args], { cwd: ROOT, env: scrubbedEnv({ NO_COLOR: "1", ...env }) });
  const text = { stdout: "", stderr: "" };
  child.stdout.setEncoding("utf8").on("data", (s: string) => (text.stdout += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => (text.stderr += s));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const cli: Cli = {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    exit,
    clients: [],
    waitFor(stream, pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = text[stream].match(pattern);
          if (!m) return false;
          done();
          resolve(m);
          return true;
        };
        const onExit = () => {
          if (check()) return;
          done();
          reject(new Error(`xks-mock exited before ${stream} matched ${pattern}\nstdout:\n${text.stdout}\nstderr:\n${text.stderr}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} on ${stream} within ${WAIT_MS} ms\nstdout:\n${text.stdout}\nstderr:\n${text.stderr}`));
        }, WAIT_MS);
        const done = () => {
          clearTimeout(timer);
          child[stream].off("data", onData);
          child.off("exit", onExit);
        };
        const onData = () => void check();
        child[stream].on("data", onData);
        child.once("exit", onExit);
        check();
      });
    },
  };
  t.onTestFinished(async () => {
    await Promise.all(cli.clients.splice(0).map((c) => c.close()));
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited(cli);
    }
  });
  return cli;
}

async function exited(cli: Cli) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`xks-mock did not exit within ${WAIT_MS} ms`)), WAIT_MS)));
  try {
    return await Promise.race([cli.exit, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for the exit and checks it; on a mismatch the message carries the child's output. */
async function expectExit(cli: Cli, code: number) {
  const result = await exited(cli);
  expect(result, `exit of xks-mock\nstdout:\n${cli.stdout()}\nstderr:\n${cli.stderr()}`).toEqual({ code, signal: null });
}

interface Banner {
  cli: Cli;
  origin: string;
  baseUrl: string;
  caFile: string;
  text: string;
}

/** Waits for the whole banner (it ends with the curl example's URL) and parses it. */
async function banner(cli: Cli): Promise<Banner> {
  await cli.waitFor("stderr", /xks-mock listening on https:\/\/127\.0\.0\.1:\d+\n[\s\S]*try it:[\s\S]*\/health\n/);
  const text = cli.stderr();
  const origin = text.match(/xks-mock listening on (https:\/\/127\.0\.0\.1:\d+)/)![1]!;
  const baseUrl = text.match(/keystore \S+: (https:\/\/\S+\/kms\/xks\/v1)/)![1]!;
  const caFile = text.match(/CA file: +(\S+)/)![1]!;
  return { cli, origin, baseUrl, caFile, text };
}

function clientOf(b: Banner, credential: XksCredential): XksClient {
  const c = new XksClient({ baseUrl: b.baseUrl, region: "us-east-1", credential }, { ca: readFileSync(b.caFile, "utf8") });
  b.cli.clients.push(c);
  return c;
}

/** Clients signing with OLD and NEW, checked while the config has only OLD: OLD gets 200, NEW 401. */
async function oldAcceptedNewRefused(b: Banner): Promise<{ withOld: XksClient; withNew: XksClient }> {
  const withOld = clientOf(b, OLD);
  const withNew = clientOf(b, NEW);
  expect((await withOld.health()).status).toBe(200);
  expect((await withNew.health()).status).toBe(401);
  return { withOld, withNew };
}

/** After a reload to a config with only NEW: NEW gets 200, OLD 401, and the CLI still runs. */
async function expectReloadedToNew(cli: Cli, withOld: XksClient, withNew: XksClient) {
  await cli.waitFor("stdout", /configuration reloaded/);
  // The log line comes after the swap; still, allow a few attempts rather than assume the ordering.
  let status = 0;
  for (let attempt = 0; attempt < 5 && status !== 200; attempt++) status = (await withNew.health()).status;
  expect(status).toBe(200);
  expect((await withOld.health()).status).toBe(401);
  expect(cli.child.exitCode).toBeNull();
}

const baseArgs = () => ["--port", "0", "--admin-port", "0", "--certs-dir", inject("pkiDir")];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.concurrent("banner", () => {
  it("with the default config: base URL, XksProxyUriPath, access key id, CA file, a curl example, the public-credential WARNING; SIGTERM → exit 0", { timeout: TEST_MS }, async (t) => {
    const cli = startCli(t, baseArgs());
    const b = await banner(cli);
    expect(b.baseUrl).toBe(`${b.origin}${DEFAULT_PATH_PREFIX}/kms/xks/v1`);
    expect(b.text).toContain(`XksProxyUriPath: ${DEFAULT_PATH_PREFIX}/kms/xks/v1`);
    expect(b.text).toContain(PUBLIC_TEST_CREDENTIAL.accessKeyId);
    expect(b.caFile).toBe(pkiPath("caCert"));
    expect(b.text).toContain(`curl --cacert ${pkiPath("caCert")} --aws-sigv4 "aws:amz:us-east-1:kms-xks-proxy"`);
    expect(b.text).toContain(`--user "${PUBLIC_TEST_CREDENTIAL.accessKeyId}:${PUBLIC_TEST_CREDENTIAL.secretAccessKey}"`);
    expect(b.text).toContain(`${b.baseUrl}/health`);
    expect(b.text).toMatch(/WARNING: .*public credential/);
    // Where the admin token is (written owner-only), never the token itself.
    // One token file per admin port, beside the dev PKI; the banner names the certs dir and the CA's fingerprint.
    const adminPort = /admin API: +http:\/\/127\.0\.0\.1:(\d+)/.exec(b.text)![1]!;
    expect(b.text).toContain(`admin token: ${join(inject("pkiDir"), `admin-token.${adminPort}`)}\n`);
    expect(b.text).toContain(`certs dir:  ${inject("pkiDir")} (--certs-dir)\n`);
    expect(b.text).toContain(`CA file:    ${pkiPath("caCert")} (SHA-256 ${new X509Certificate(readFileSync(pkiPath("caCert"))).fingerprint256})\n`);
    expect(b.text).toMatch(/Authorization: Bearer <token>/);
    expect((await clientOf(b, PUBLIC_TEST_CREDENTIAL).health()).status).toBe(200);
    await Promise.all(cli.clients.map((c) => c.close()));
    // SIGTERM → a clean stop with exit code 0 (not death by the signal).
    cli.child.kill("SIGTERM");
    await expectExit(cli, 0);
  });

  it.skipIf(!hasCommand("curl"))("the printed curl example runs as printed and gets the health document (needs curl on PATH)", { timeout: TEST_MS }, async (t) => {
    const cli = startCli(t, baseArgs());
    const b = await banner(cli);
    const command = b.text.match(/^ {4}(curl [\s\S]*?\/health)$/m)![1]!;
    const { stdout } = await promisify(execFile)("sh", ["-c", `${command} --silent --show-error --max-time 5`], { timeout: 10_000 });
    expect(JSON.parse(stdout)).toMatchObject({ xksProxyFleetSize: 1, ekmFleetDetails: [{ healthStatus: "ACTIVE" }] });
  });

  it("with a config whose secret is not the public one: no WARNING, and the secret is never printed", { timeout: TEST_MS }, async (t) => {
    const file = writeConfig(configOf([OLD]));
    const cli = startCli(t, [...baseArgs(), "--config", file]);
    const b = await banner(cli);
    expect(b.baseUrl).toBe(`${b.origin}/cli/prefix/kms/xks/v1`);
    expect(b.text).toContain(OLD.accessKeyId);
    expect(b.text).toContain(`--user "${OLD.accessKeyId}:$XKS_SECRET_ACCESS_KEY"`);
    expect(b.text).not.toMatch(/WARNING/);

    const c = clientOf(b, OLD);
    expect((await c.health()).status).toBe(200);
    expect((await c.encrypt("foo", { plaintext: "SGVsbG8gV29ybGQh" })).status).toBe(200);
    expect((await c.health({}, { credential: { accessKeyId: OLD.accessKeyId, secretAccessKey: NEW.secretAccessKey } })).status).toBe(401);
    // A reload, and a refused reload of a file broken right at the secret, print nothing of it either.
    cli.child.kill("SIGHUP");
    await cli.waitFor("stdout", /configuration reloaded/);
    writeConfig(`{"keystores":[{"name":"cli","pathPrefix":"/cli/prefix","credentials":[{"accessKeyId":"${OLD.accessKeyId}","secretAccessKey": ${OLD.secretAccessKey}}]}]}`, file);
    await cli.waitFor("stdout", /reload refused/);
    expect((await c.health()).status).toBe(200);

    cli.child.kill("SIGTERM");
    await expectExit(cli, 0);
    expectNoSecret(cli.stdout() + cli.stderr(), OLD.secretAccessKey);
    expectNoSecret(cli.stdout() + cli.stderr(), NEW.secretAccessKey);
  });
});

describe.concurrent("reload without a restart", () => {
  it("rewriting the config file with a new credential is picked up", { timeout: TEST_MS }, async (t) => {
    const file = writeConfig(configOf([OLD]));
    const cli = startCli(t, [...baseArgs(), "--config", file]);
    const b = await banner(cli);
    const { withOld, withNew } = await oldAcceptedNewRefused(b);

    writeConfig(configOf([NEW]), file);
    await expectReloadedToNew(cli, withOld, withNew);
  });

  it("replacing the file by rename (mv new cfg.json), twice: each change applies", { timeout: TEST_MS }, async (t) => {
    const file = writeConfig(configOf([OLD]));
    const cli = startCli(t, [...baseArgs(), "--config", file]);
    const b = await banner(cli);
    const { withOld, withNew } = await oldAcceptedNewRefused(b);

    renameSync(writeConfig(configOf([NEW])), file);
    await expectReloadedToNew(cli, withOld, withNew);
    // The second replacement is the one an inode watch missed: the old credential must come back, the new one go.
    renameSync(writeConfig(configOf([OLD])), file);
    await cli.waitFor("stdout", /configuration reloaded[\s\S]*configuration reloaded/);
    let status = 0;
    for (let attempt = 0; attempt < 5 && status !== 200; attempt++) status = (await withOld.health()).status;
    expect(status).toBe(200);
    expect((await withNew.health()).status).toBe(401);
  });

  it("SIGHUP reloads with the file untouched (so only the signal can cause it), and the log says so", { timeout: TEST_MS }, async (t) => {
    // The file is followed by its path (a repointed symlink is a change too), so the only test of the signal
    // alone is a reload with nothing changed; that a reload re-reads the file is shown by the tests above.
    const file = writeConfig(configOf([OLD]));
    const cli = startCli(t, [...baseArgs(), "--config", file]);
    const b = await banner(cli);
    await oldAcceptedNewRefused(b);
    expect(cli.stdout()).not.toMatch(/configuration reloaded/);
    cli.child.kill("SIGHUP");
    await cli.waitFor("stdout", /"trigger":"SIGHUP","msg":"reloading the configuration"/);
    await cli.waitFor("stdout", /configuration reloaded/);
    expect((await clientOf(b, OLD).health()).status).toBe(200);
  });
});

describe.concurrent("exit codes", () => {
  it("an invalid config file → exit 2, stderr names the field and the rule", { timeout: TEST_MS }, async (t) => {
    const file = writeConfig(configOf([{ accessKeyId: "lowercase-is-not-allowed", secretAccessKey: NEW.secretAccessKey }]));
    const cli = startCli(t, [...baseArgs(), "--config", file]);
    await expectExit(cli, 2);
    expect(cli.stderr()).toContain("keystores.0.credentials.0.accessKeyId");
    expect(cli.stderr()).toContain("20-30 chars of A-Z and 2-7");
    expect(cli.stderr()).toContain(file);
    expect(cli.stderr()).not.toMatch(/listening on/);
    expectNoSecret(cli.stdout() + cli.stderr(), NEW.secretAccessKey);
  });

  it("an unknown flag → exit 2", { timeout: TEST_MS }, async (t) => {
    const cli = startCli(t, [...baseArgs(), "--no-such-flag"]);
    await expectExit(cli, 2);
    expect(cli.stderr()).toMatch(/unknown option '--no-such-flag'/);
  });

  it("XKS_MOCK_PORT=abc → exit 2 naming the variable", { timeout: TEST_MS }, async (t) => {
    const cli = startCli(t, ["--admin-port", "0", "--certs-dir", inject("pkiDir")], { XKS_MOCK_PORT: "abc" });
    await expectExit(cli, 2);
    expect(cli.stderr()).toContain("XKS_MOCK_PORT");
  });

});

describe.concurrent("environment overrides", () => {
  it("XKS_MOCK_URI_PREFIX and XKS_MOCK_ACCESS_KEY_ID + XKS_MOCK_SECRET_ACCESS_KEY take effect (and the secret is not printed)", { timeout: TEST_MS }, async (t) => {
    const cli = startCli(t, baseArgs(), {
      XKS_MOCK_URI_PREFIX: "/from/env",
      XKS_MOCK_ACCESS_KEY_ID: NEW.accessKeyId,
      XKS_MOCK_SECRET_ACCESS_KEY: NEW.secretAccessKey,
    });
    const b = await banner(cli);
    expect(b.baseUrl).toBe(`${b.origin}/from/env/kms/xks/v1`);
    expect(b.text).toContain("XksProxyUriPath: /from/env/kms/xks/v1");
    expect(b.text).toContain(NEW.accessKeyId);
    expect(b.text).not.toContain(PUBLIC_TEST_CREDENTIAL.accessKeyId);
    expect(b.text).not.toMatch(/WARNING/);
    expect((await clientOf(b, NEW).health()).status).toBe(200);
    expect((await clientOf(b, PUBLIC_TEST_CREDENTIAL).health()).status).toBe(401);
    cli.child.kill("SIGTERM");
    await expectExit(cli, 0);
    expectNoSecret(cli.stdout() + cli.stderr(), NEW.secretAccessKey);
  });

  it("env overrides the config file", { timeout: TEST_MS }, async (t) => {
    const file = writeConfig(configOf([OLD]));
    const cli = startCli(t, [...baseArgs(), "--config", file], { XKS_MOCK_ACCESS_KEY_ID: NEW.accessKeyId, XKS_MOCK_SECRET_ACCESS_KEY: NEW.secretAccessKey });
    const b = await banner(cli);
    expect(b.baseUrl).toBe(`${b.origin}/cli/prefix/kms/xks/v1`);
    expect((await clientOf(b, NEW).health()).status).toBe(200);
    expect((await clientOf(b, OLD).health()).status).toBe(401);
  });
});
