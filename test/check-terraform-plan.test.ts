/**
 * `xks-harness check --terraform-plan` end to end through the built CLI, on plans written to Terraform's documented
 * JSON format (test/helpers/terraform-plan-fixture.ts): real mock proxies (an accepted and a refused credential, two
 * credentials of one keystore for continuity, a second proxy on the same key material) and the local KMS for the
 * store's ConnectionState. Exit codes 0/1/2, the --json document of docs/terraform-plan-report.md, the JUnit, HTML
 * and Markdown files, and no secret in any output or written file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DisconnectCustomKeyStoreCommand, type KMSClient } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedLocalKms } from "../src/kms/index.js";
import { packageRoot } from "../src/package-root.js";
import { randomXksCredential } from "../src/client/random-credential.js";
import { runCli, type CliRun } from "./helpers/cli-process.js";
import { service, serviceName } from "./helpers/ec2-fixture.js";
import { connectedKey, endpointOf, pathOf, sdkClient, startTestKms } from "./helpers/kms-fixture.js";
import { pkiPath, startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";
import { planFixture, type PlanSpec, type StoreAttrs } from "./helpers/terraform-plan-fixture.js";

const CLI = join(packageRoot(), "dist", "harness", "cli.js");
const SEED = "terraform plan tests: the key manager's material";
const credA = randomXksCredential();
const credB = randomXksCredential();
/** Valid in form, known to no proxy. */
const credRefused = randomXksCredential();
const ALL_SECRETS = [credA.secretAccessKey, credB.secretAccessKey, credRefused.secretAccessKey];

let kms: StartedLocalKms;
let client: KMSClient;
let a: TestProxy;
let b: TestProxy;
let dir: string;
let storeId: string;

function proxyConfig() {
  return testConfig({ keystores: [{ name: "ks", pathPrefix: "/tf", credentials: [credA, credB], keySeed: SEED, keys: [{ id: "foo" }] }] });
}

/** The store the local KMS has, as Terraform's state would hold it. */
function current(): StoreAttrs {
  return { endpoint: endpointOf(a), path: pathOf(a), credential: credA, id: storeId, name: "main" };
}

/** Writes the plan, runs the CLI on it with --dev and the test CA. */
async function checkPlan(spec: PlanSpec | Record<string, unknown>, extra: string[] = [], name = "plan.json"): Promise<CliRun> {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify("stores" in spec ? planFixture(spec as PlanSpec) : spec));
  return runCli(CLI, ["check", "--terraform-plan", file, "--dev", "--ca", pkiPath("caCert"), ...extra]);
}

function expectNoSecret(where: string, text: string): void {
  for (const s of ALL_SECRETS) expect(text.includes(s), `a secret in ${where}`).toBe(false);
}

function json(run: CliRun) {
  expectNoSecret("stdout", run.stdout);
  expectNoSecret("stderr", run.stderr);
  return JSON.parse(run.stdout) as {
    verdict: string;
    plan: { formatVersion: string; terraformVersion: string };
    warnings: string[];
    stores: { address: string; action: string; verdict: string; predictedException: string | null; checks: { id: string; status: string }[]; applyRisks: { id: string; severity: string; exception: string | null; fix: string }[]; target: { keyIds: string[] } }[];
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "xks-tfplan-"));
  [a, b] = await Promise.all([startTestProxy(proxyConfig()), startTestProxy(proxyConfig())]);
  // Service 1 is as KMS requires it (private DNS name localhost); service 21 is still Pending (KMS: not found).
  kms = await startTestKms({ endpointServices: { endpointServices: [service(1, `https://127.0.0.1:${a.port}`), service(21, `https://127.0.0.1:${a.port}`, { state: "Pending" })] } });
  client = sdkClient(kms);
  storeId = (await connectedKey(client, kms, a, { credential: credA, xksKeyId: "foo" })).storeId;
}, 60_000);
afterAll(async () => {
  client?.destroy();
  await kms?.stop();
  await Promise.all([a, b].filter(Boolean).map((p) => p.stop()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const key = () => ({ name: "k", xksKeyId: "foo", storeId });

// One run at a time: the latency check measures wall time, which parallel CLI start-ups would distort.
describe("check --terraform-plan", { timeout: 90_000 }, () => {
  it("a credential rotation both keys accept: checks and continuity pass, the provider trap warns without a lock file (exit 0)", async () => {
    const run = await checkPlan({ region: "us-east-1", stores: [{ name: "main", actions: ["update"], before: current(), after: { ...current(), credential: credB } }], keys: [key()] }, ["--json"]);
    const doc = json(run);
    expect(run.code, run.stdout).toBe(0);
    const s = doc.stores[0]!;
    expect(s).toMatchObject({ address: "aws_kms_custom_key_store.main", action: "update", verdict: "pass", predictedException: null, target: { keyIds: ["foo"] } });
    expect(Object.fromEntries(s.checks.map((c) => [c.id, c.status]))).toMatchObject({ input: "warn", auth: "pass", keys: "pass", continuity: "pass" });
    expect(s.applyRisks).toMatchObject([{ id: "credential-update-panic", severity: "warn" }]);
    expect(doc.warnings.join("\n")).toContain("plain text");
  });

  it("the same rotation with a lock file of hashicorp/aws 5.100.0 fails: the apply would crash the provider (exit 1)", async () => {
    const lock = join(dir, ".terraform.lock.hcl");
    writeFileSync(lock, 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.100.0"\n  hashes = ["h1:x="]\n}\n');
    const run = await checkPlan({ region: "us-east-1", stores: [{ name: "main", actions: ["update"], before: current(), after: { ...current(), credential: credB } }], keys: [key()] }, ["--terraform-lock", lock]);
    expectNoSecret("stdout", run.stdout);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toContain("terraform apply will crash the provider");
    expect(run.stdout).toContain("ignore_changes = [xks_proxy_authentication_credential]");
    expect(run.stdout).toContain("hashicorp/aws 5.100.0");
  });

  it("a credential the proxy refuses fails with the exception KMS would raise", async () => {
    const run = await checkPlan({ region: "us-east-1", stores: [{ name: "main", actions: ["update"], before: current(), after: { ...current(), credential: credRefused } }], keys: [key()] }, ["--json"]);
    const s = json(run).stores[0]!;
    expect(run.code).toBe(1);
    expect(s).toMatchObject({ verdict: "fail", predictedException: "XksProxyIncorrectAuthenticationCredentialException" });
  });

  it("an endpoint change on a store KMS has CONNECTED fails with CustomKeyStoreInvalidStateException and the commands; DISCONNECTED passes", async () => {
    const moved: PlanSpec = { region: "us-east-1", stores: [{ name: "main", actions: ["update"], before: current(), after: { ...current(), endpoint: endpointOf(b) } }], keys: [key()] };
    const connected = await checkPlan(moved, ["--json", "--kms-endpoint", kms.url]);
    const risk = json(connected).stores[0]!.applyRisks[0]!;
    expect(connected.code).toBe(1);
    expect(risk).toMatchObject({ id: "needs-disconnected", severity: "fail", exception: "CustomKeyStoreInvalidStateException" });
    expect(risk.fix).toContain(`aws kms disconnect-custom-key-store --custom-key-store-id ${storeId} --region us-east-1 --endpoint-url ${kms.url}`);
    expect(risk.fix).toContain(`aws kms connect-custom-key-store --custom-key-store-id ${storeId}`);

    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
    const disconnected = await checkPlan(moved, ["--json", "--kms-endpoint", kms.url]);
    const s = json(disconnected).stores[0]!;
    expect(disconnected.code, JSON.stringify([s.checks.filter((c) => c.status === "fail"), s.applyRisks])).toBe(0);
    expect(s.applyRisks).toEqual([]);
    expect(s.checks.find((c) => c.id === "continuity")?.status).toBe("pass");
  });

  it("a create with a value known only after apply is unknown: exit 1, or 0 with --allow-unknown", async () => {
    const spec: PlanSpec = {
      region: "us-east-1",
      stores: [{ name: "new", actions: ["create"], after: { endpoint: null, path: pathOf(a), credential: credA, name: "new" }, afterUnknown: { id: true, xks_proxy_uri_endpoint: true, xks_proxy_authentication_credential: [{}] } }],
    };
    const run = await checkPlan(spec, ["--json"]);
    const doc = json(run);
    expect(run.code).toBe(1);
    expect(doc).toMatchObject({ verdict: "unknown", stores: [{ verdict: "unknown", checks: [] }] });
    expect(JSON.stringify(doc.stores[0])).toContain("xks_proxy_uri_endpoint known only after apply");
    expect((await checkPlan(spec, ["--allow-unknown"])).code).toBe(0);
  });

  it("a replace fails (CustomKeyStoreHasCMKsException); a CloudHSM store is skipped; no-op is unchanged", async () => {
    const run = await checkPlan({
      region: "us-east-1",
      stores: [
        { name: "main", actions: ["delete", "create"], before: current(), after: { ...current(), id: undefined } },
        { name: "hsm", actions: ["create"], after: { type: "AWS_CLOUDHSM", connectivity: null, name: "hsm" } },
        { name: "same", module: "module.m", index: 0, actions: ["no-op"], before: current(), after: current() },
      ],
      keys: [key()],
    }, ["--json"]);
    const doc = json(run);
    expect(run.code).toBe(1);
    expect(doc.stores.map((s) => [s.address, s.action, s.verdict])).toEqual([
      ["aws_kms_custom_key_store.main", "replace", "fail"],
      ["aws_kms_custom_key_store.hsm", "create", "skipped"],
      ["module.m.aws_kms_custom_key_store.same[0]", "unchanged", "unchanged"],
    ]);
    expect(doc.stores[0]!.applyRisks[0]).toMatchObject({ id: "replace-external-key-store", exception: "CustomKeyStoreHasCMKsException" });
  });

  it("a VPC store is checked through EC2 (--ec2-endpoint); a store on the endpoint and path of one in the account collides", async () => {
    const vpc = (n: number): StoreAttrs => ({ endpoint: endpointOf(a), path: "/vpc/kms/xks/v1", credential: credA, connectivity: "VPC_ENDPOINT_SERVICE", vpcEndpointServiceName: serviceName(n), name: `vpc${n}` });
    const run = await checkPlan({ region: "us-east-1", stores: [{ name: "good", actions: ["create"], after: vpc(1) }, { name: "pending", actions: ["create"], after: { ...vpc(21), path: "/p/kms/xks/v1" } }, { name: "twin", actions: ["create"], after: { ...current(), id: undefined, name: "twin" } }] }, ["--json", "--ec2-endpoint", kms.url, "--kms-endpoint", kms.url]);
    const doc = json(run);
    expect(run.code).toBe(1);
    const [good, pending, twin] = doc.stores;
    expect(good!.checks.find((c) => c.id === "vpc-endpoint-service")?.status).toBe("pass");
    expect({ verdict: pending!.verdict, predictedException: pending!.predictedException }, JSON.stringify(pending!.checks)).toEqual({ verdict: "fail", predictedException: "XksProxyVpcEndpointServiceNotFoundException" });
    expect(twin!.applyRisks).toContainEqual(expect.objectContaining({ id: "uri-in-use", exception: "XksProxyUriInUseException" }));
  });

  it("a plan without store changes: nothing to check, exit 0", async () => {
    const run = await checkPlan({ region: "us-east-1", stores: [], keys: [{ name: "k", xksKeyId: "foo", storeId: "cks-x", actions: ["create"] }] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("nothing to check");
  });

  it("writes --junit (a testsuite per store), --html and --markdown without a secret; stdin works", async () => {
    const junit = join(dir, "r.xml");
    const html = join(dir, "r.html");
    const md = join(dir, "r.md");
    const spec: PlanSpec = { region: "us-east-1", stores: [{ name: "bad", actions: ["update"], before: current(), after: { ...current(), credential: credRefused } }, { name: "gone", actions: ["delete"], before: current(), after: null }] };
    const file = join(dir, "stdin.json");
    writeFileSync(file, JSON.stringify(planFixture(spec)));
    const { spawnSync } = await import("node:child_process");
    const r = spawnSync(process.execPath, [CLI, "check", "--terraform-plan", "-", "--dev", "--ca", pkiPath("caCert"), "--junit", junit, "--html", html, "--markdown", md], { input: readFileSync(file), encoding: "utf8", timeout: 60_000, env: { ...process.env, AWS_ACCESS_KEY_ID: "", AWS_PROFILE: "" } });
    expect(r.status, r.stderr).toBe(1);
    for (const [where, text] of [["stdout", r.stdout], ["stderr", r.stderr], ["junit", readFileSync(junit, "utf8")], ["html", readFileSync(html, "utf8")], ["markdown", readFileSync(md, "utf8")]] as const) expectNoSecret(where, text);
    const xml = readFileSync(junit, "utf8");
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml).toContain('name="aws_kms_custom_key_store.bad"');
    const markdown = readFileSync(md, "utf8");
    expect(markdown.split("\n")[0]).toMatch(/^### ❌ XKS key stores: FAIL/);
    expect(markdown).toContain("<details><summary>");
    expect(markdown).toContain("| ❌ | `aws_kms_custom_key_store.gone` | delete |");
    expect(readFileSync(html, "utf8")).toContain("aws_kms_custom_key_store.bad: apply risks");
  });

  it("refuses a state file, another major version and flags a plan gives, with exit 2", async () => {
    const state = await checkPlan({ version: 4, terraform_version: "1.11.4", serial: 1, lineage: "l", resources: [] }, [], "state.json");
    expect(state.code).toBe(2);
    expect(state.stderr).toContain("is a Terraform state file");
    const major = await checkPlan({ ...planFixture({ stores: [] }), format_version: "2.0" }, [], "v2.json");
    expect(major.code).toBe(2);
    expect(major.stderr).toContain('format_version "2.0"');
    const flags = await checkPlan({ stores: [] }, ["--endpoint", "https://x.example.com"]);
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain("--endpoint cannot be used with --terraform-plan");
    const planOnly = await runCli(CLI, ["check", "--markdown", join(dir, "x.md")]);
    expect(planOnly.code).toBe(2);
  });
});
