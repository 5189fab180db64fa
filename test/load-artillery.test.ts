/**
 * `xks-harness load --emit-artillery` end to end: the scenario and processor it writes, run by real Artillery on
 * Node 24 against the mock (real TLS on 127.0.0.1). Clean, every request is signed so the mock accepts it and
 * every answer passes its check; with a wrong-answer mutation every answer is an error in Artillery's report and
 * Artillery's ensure check fails the run. No emitted file holds the secret; a bad DIR is bad usage (exit 2).
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomXksCredential } from "../src/client/index.js";
import { addFault, clearFaults } from "./helpers/admin-faults.js";
import { artilleryMissing, runArtillery } from "./helpers/artillery.js";
import { targetFlags } from "./helpers/check-options.js";
import { startCheckProxy, type CheckProxy } from "./helpers/check-proxy.js";
import { runCli, type CliRun } from "./helpers/cli-process.js";
import { pkiPath, testConfig } from "./helpers/proxy-fixture.js";

const CLI = "dist/harness/cli.js";
const cred = randomXksCredential();
const skip = artilleryMissing();
let proxy: CheckProxy;
let mtlsProxy: CheckProxy;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "xks-load-artillery-"));
  const keystores = [{ name: "ks", pathPrefix: "/art", credentials: [cred], keySeed: "artillery test key seed", keys: [{ id: "foo" }, { id: "bar" }] }];
  [proxy, mtlsProxy] = await Promise.all([startCheckProxy(testConfig({ keystores })), startCheckProxy(testConfig({ keystores, tls: { mtls: true } }))]);
});
afterAll(async () => {
  await Promise.all([proxy?.stop(), mtlsProxy?.stop()]);
});
afterEach(async () => {
  await clearFaults(proxy);
});

/** `load --emit-artillery <dir>` against the mock, with the secret in the CLI's environment as a user would have it. */
function emit(dir: string, args: string[], to = proxy): Promise<CliRun> {
  return runCli(CLI, ["load", "--emit-artillery", dir, ...targetFlags(to, cred), "--key-id", "foo", "--key-id", "bar", ...args], { XKS_SECRET_ACCESS_KEY: cred.secretAccessKey });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
}

async function emitAndRun(name: string, args: string[], to = proxy, env: Record<string, string> = {}) {
  const dir = join(tmp, name);
  const emitted = await emit(dir, args, to);
  expect(emitted.code, emitted.stderr).toBe(0);
  const run = await runArtillery(join(dir, "scenario.yml"), join(tmp, `${name}.json`), {
    XKS_ACCESS_KEY_ID: cred.accessKeyId,
    XKS_SECRET_ACCESS_KEY: cred.secretAccessKey,
    NODE_EXTRA_CA_CERTS: pkiPath("caCert"),
    ...env,
  });
  expect(run.report, run.stdout + run.stderr).toBeDefined();
  return { dir, emitted, run, counters: run.report!.aggregate.counters };
}

const errorCounters = (counters: Record<string, number>) => Object.fromEntries(Object.entries(counters).filter(([k]) => k.startsWith("errors.")));

describe.skipIf(skip)(`load --emit-artillery, run by Artillery${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("signs every request so the mock accepts it, checks every answer, and writes no secret", async () => {
    const { dir, emitted, run, counters } = await emitAndRun("clean", ["--rate", "25", "--duration", "2"]);
    expect(emitted.stdout).toContain("artillery run-fargate --count N");
    expect(errorCounters(counters)).toEqual({});
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("ok: xks.latency.p99 <= 250");
    expect(counters["vusers.created"]).toBe(50);
    expect(counters["vusers.failed"]).toBe(0);
    expect(counters["http.codes.200"]).toBe(50);
    // Each operation's 200s are the answers the processor checked and found right.
    const ops = ["encrypt", "decrypt", "metadata", "health"].filter((op) => counters[`xks.ok.${op}`] !== undefined);
    expect(ops).toEqual(expect.arrayContaining(["encrypt", "decrypt"]));
    for (const op of ops) expect(counters[`plugins.metrics-by-endpoint.${op}.codes.200`], op).toBe(counters[`xks.ok.${op}`]);
    expect(ops.reduce((n, op) => n + counters[`xks.ok.${op}`]!, 0)).toBe(50);
    expect(run.report!.aggregate.summaries["xks.latency"]!.count).toBe(50);
    for (const file of filesUnder(dir)) expect(readFileSync(file, "utf8"), file).not.toContain(cred.secretAccessKey);
    expect(emitted.stdout + emitted.stderr).not.toContain(cred.secretAccessKey);
  });

  it.each([
    { mutation: "wrong-cdiv", mix: "encrypt=1", error: "errors.WrongAnswer: encrypt answer: ciphertextDataIntegrityValue does not match the ciphertext returned" },
    { mutation: "garbled-plaintext", mix: "decrypt=1", error: "errors.WrongAnswer: decrypt answer: the plaintext is not the one encrypted" },
    {
      mutation: "ciphertext-longer",
      mix: "encrypt=1",
      error: "errors.WrongAnswer: encrypt answer: ciphertext decodes to 33 bytes; it must be 32 bytes, the plaintext's length (AES-GCM keeps it)",
    },
  ] as const)("makes every $mutation answer an error in Artillery's report and fails its check", async ({ mutation, mix, error }) => {
    await addFault(proxy, "ks", { type: "mutation", mutation });
    const { run, counters } = await emitAndRun(mutation, ["--rate", "25", "--duration", "2", "--mix", mix]);
    expect(errorCounters(counters)).toEqual({ [error]: 50 });
    expect(counters["http.codes.200"]).toBe(50);
    expect(counters[`xks.wrong_answer.${mix.split("=")[0]}`]).toBe(50);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain("fail: maxErrorRate < 0.1");
  });

  it("presents the client certificate XKS_CLIENT_CERT and XKS_CLIENT_KEY name to a proxy that requires mTLS", async () => {
    const mtls = ["--client-cert", pkiPath("clientCert"), "--client-key", pkiPath("clientKey")];
    const { emitted, run, counters } = await emitAndRun("mtls", ["--rate", "20", "--duration", "2", "--mix", "encrypt=1,decrypt=1", ...mtls], mtlsProxy, {
      XKS_CLIENT_CERT: pkiPath("clientCert"),
      XKS_CLIENT_KEY: pkiPath("clientKey"),
    });
    expect(emitted.stdout).toContain(`XKS_CLIENT_CERT=${pkiPath("clientCert")}`);
    expect(errorCounters(counters)).toEqual({});
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect((counters["xks.ok.encrypt"] ?? 0) + (counters["xks.ok.decrypt"] ?? 0)).toBe(40);
  });
});

describe("load --emit-artillery usage", () => {
  it.each([
    { what: "a file", dir: () => { const f = join(tmp, "a-file"); writeFileSync(f, ""); return f; }, message: "is a file" },
    { what: "under a missing directory", dir: () => join(tmp, "missing", "dir"), message: "does not exist" },
  ])("exits 2 when DIR is $what, before writing anything", async ({ dir, message }) => {
    const run = await emit(dir(), ["--rate", "10"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
