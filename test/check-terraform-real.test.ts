/**
 * `check --terraform-plan` on plans made by real Terraform (`terraform plan` + `terraform show -json`, hashicorp/aws
 * from the offline provider mirror) against the local KMS and real mock proxies: a create, a credential change
 * (the provider version read from the .terraform.lock.hcl that `terraform init` wrote) and an endpoint change on a
 * CONNECTED store. One working directory, one init: the provider's start is slow. Skipped, with the reason printed,
 * where Terraform or the mirror is missing (test/helpers/terraform.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { KMSClient } from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedLocalKms } from "../src/kms/index.js";
import { packageRoot } from "../src/package-root.js";
import { randomXksCredential } from "../src/client/random-credential.js";
import type { XksCredential } from "../src/xks/sigv4/sign.js";
import { runCli, type CliRun } from "./helpers/cli-process.js";
import { connectStore, endpointOf, pathOf, sdkClient, startTestKms } from "./helpers/kms-fixture.js";
import { pkiPath, startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";
import { awsProviderBlock, terraformMissing, TerraformDir } from "./helpers/terraform.js";

const missing = terraformMissing();
const CLI = join(packageRoot(), "dist", "harness", "cli.js");
const SEED = "real terraform: one key manager";
const credA = randomXksCredential();
const credB = randomXksCredential();

let kms: StartedLocalKms;
let client: KMSClient;
let a: TestProxy;
let b: TestProxy;
let tf: TerraformDir;

function storeTf(proxy: TestProxy, credential: XksCredential): string {
  return `${awsProviderBlock({ kmsUrl: kms.url })}
variable "xks_secret" {
  type = string
}

resource "aws_kms_custom_key_store" "main" {
  custom_key_store_name  = "tf-main"
  custom_key_store_type  = "EXTERNAL_KEY_STORE"
  xks_proxy_connectivity = "PUBLIC_ENDPOINT"
  xks_proxy_uri_endpoint = "${endpointOf(proxy)}"
  xks_proxy_uri_path     = "${pathOf(proxy)}"
  xks_proxy_authentication_credential {
    access_key_id         = "${credential.accessKeyId}"
    raw_secret_access_key = var.xks_secret
  }
}
`;
}

/** terraform plan + show -json with the secret as a variable, then the CLI on it (from the working directory). */
async function planAndCheck(main: string, secret: string, extra: string[] = []): Promise<{ plan: string; run: CliRun }> {
  tf.write({ "main.tf": main });
  const plan = await tf.planJson([`-var=xks_secret=${secret}`]);
  tf.write({ "plan.json": plan });
  const run = await runCli(CLI, ["check", "--terraform-plan", join(tf.dir, "plan.json"), "--terraform-lock", join(tf.dir, ".terraform.lock.hcl"), "--dev", "--ca", pkiPath("caCert"), "--key-id", "foo", "--json", ...extra]);
  for (const s of [credA.secretAccessKey, credB.secretAccessKey]) {
    expect(run.stdout.includes(s) || run.stderr.includes(s), "a secret in the output").toBe(false);
  }
  return { plan, run };
}

type Doc = { verdict: string; stores: { address: string; action: string; verdict: string; checks: { id: string; status: string }[]; applyRisks: { id: string; severity: string; exception: string | null }[] }[] };

describe.skipIf(missing !== undefined)("real terraform plans", { timeout: 600_000 }, () => {
  beforeAll(async () => {
    const config = () => testConfig({ keystores: [{ name: "ks", pathPrefix: "/tf", credentials: [credA, credB], keySeed: SEED, keys: [{ id: "foo" }] }] });
    [a, b] = await Promise.all([startTestProxy(config()), startTestProxy(config())]);
    kms = await startTestKms();
    client = sdkClient(kms);
    tf = new TerraformDir({ "main.tf": storeTf(a, credA) });
    await tf.init();
  }, 300_000);
  afterAll(async () => {
    client?.destroy();
    await kms?.stop();
    await Promise.all([a, b].filter(Boolean).map((p) => p.stop()));
    tf?.dispose();
  });

  it("create → pass; credential change → the provider crash; endpoint change on a CONNECTED store → CustomKeyStoreInvalidStateException", async () => {
    const created = await planAndCheck(storeTf(a, credA), credA.secretAccessKey);
    // The plan holds the secret in plain text, as the warning says.
    expect(created.plan).toContain(credA.secretAccessKey);
    const c = JSON.parse(created.run.stdout) as Doc;
    expect(created.run.code, created.run.stdout).toBe(0);
    expect(c.stores).toMatchObject([{ address: "aws_kms_custom_key_store.main", action: "create", verdict: "pass" }]);

    await tf.ok(["apply", "-input=false", "-no-color", "tfplan"]);
    const id = JSON.parse((await tf.ok(["show", "-json", "-no-color"])).stdout).values.root_module.resources[0].values.id as string;
    expect((await connectStore(client, kms, id)).ConnectionState).toBe("CONNECTED");

    const rotated = await planAndCheck(storeTf(a, credB), credB.secretAccessKey);
    const r = JSON.parse(rotated.run.stdout) as Doc;
    expect(rotated.run.code).toBe(1);
    expect(r.stores[0]).toMatchObject({ action: "update", verdict: "fail" });
    expect(r.stores[0]!.applyRisks).toContainEqual(expect.objectContaining({ id: "credential-update-panic", severity: "fail" }));
    expect(Object.fromEntries(r.stores[0]!.checks.map((x) => [x.id, x.status]))).toMatchObject({ auth: "pass", continuity: "pass" });
    expect(readFileSync(join(tf.dir, ".terraform.lock.hcl"), "utf8")).toContain("hashicorp/aws");

    const moved = await planAndCheck(storeTf(b, credA), credA.secretAccessKey, ["--kms-endpoint", kms.url]);
    const m = JSON.parse(moved.run.stdout) as Doc;
    expect(moved.run.code).toBe(1);
    expect(m.stores[0]!.applyRisks).toContainEqual(expect.objectContaining({ id: "needs-disconnected", severity: "fail", exception: "CustomKeyStoreInvalidStateException" }));
    expect(m.stores[0]!.checks.find((x) => x.id === "continuity")?.status).toBe("pass");
  });
});
