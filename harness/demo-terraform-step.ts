/**
 * @module harness/demo-terraform-step
 * The demo's Terraform step: the plan JSON `terraform show -json` would print for moving the demo's CONNECTED store
 * to another endpoint (written here from the store, in Terraform's JSON output format, so the demo needs no
 * Terraform), checked by `xks-harness check --terraform-plan`: the proxy checks pass, and the apply would still
 * fail, since the provider does not disconnect the store first.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { XksSettings } from "./common/settings.js";
import { parsePlan } from "./check/terraform/plan-file.js";
import { planToHuman } from "./check/terraform/plan-report.js";
import { redact, secretsIn } from "./check/terraform/redact.js";
import { runPlanCheck } from "./check/terraform/run-plan-check.js";
import { painter } from "./report/style.js";

export interface TerraformStepInput {
  heading: (text: string) => void;
  out: (text: string) => void;
  expect: (ok: boolean, what: string) => void;
  kmsUrl: string;
  storeId: string;
  caFile: string;
  settings: XksSettings;
  newEndpoint: string;
  extraCa: string[];
  keyId: string;
}

/** The resource as the provider's state holds it. */
function storeValues(id: string, s: XksSettings, endpoint: string) {
  return {
    cloud_hsm_cluster_id: null,
    custom_key_store_name: "demo-store",
    custom_key_store_type: "EXTERNAL_KEY_STORE",
    id,
    key_store_password: null,
    timeouts: null,
    trust_anchor_certificate: null,
    xks_proxy_authentication_credential: [{ access_key_id: s.accessKeyId, raw_secret_access_key: s.secretAccessKey }],
    xks_proxy_connectivity: "PUBLIC_ENDPOINT",
    xks_proxy_uri_endpoint: endpoint,
    xks_proxy_uri_path: s.path,
    xks_proxy_vpc_endpoint_service_name: null,
  };
}

/** A format 1.2 plan: the store updated in place, its KMS key unchanged. */
export function demoPlan(o: Pick<TerraformStepInput, "storeId" | "settings" | "newEndpoint" | "keyId">) {
  const before = storeValues(o.storeId, o.settings, o.settings.endpoint);
  const after = storeValues(o.storeId, o.settings, o.newEndpoint);
  const key = { custom_key_store_id: o.storeId, xks_key_id: o.keyId };
  const sensitive = { xks_proxy_authentication_credential: [{}] };
  const provider = "registry.terraform.io/hashicorp/aws";
  const change = (actions: string[], b: object, a: object, marks: object) =>
    ({ actions, before: b, after: a, after_unknown: marks, before_sensitive: marks, after_sensitive: marks });
  const resource = (type: string, change: object) =>
    ({ address: `${type}.demo`, mode: "managed", type, name: "demo", provider_name: provider, change });
  const region = { region: { constant_value: "us-east-1" } };
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    resource_changes: [
      resource("aws_kms_custom_key_store", change(["update"], before, after, sensitive)),
      resource("aws_kms_key", change(["no-op"], key, key, {})),
    ],
    configuration: {
      provider_config: { aws: { name: "aws", full_name: provider, expressions: region } },
      root_module: {},
    },
  };
}

export async function terraformStep(s: TerraformStepInput): Promise<void> {
  s.heading("10. Terraform: check --terraform-plan on a plan that moves the CONNECTED store to another endpoint");
  const file = join(mkdtempSync(join(tmpdir(), "xks-demo-plan-")), "plan.json");
  const text = JSON.stringify(demoPlan(s), null, 2);
  writeFileSync(file, text, { mode: 0o600 });
  const plan = parsePlan(text, file);
  s.out(`$ terraform show -json tfplan > ${file}   (written by the demo: the plan JSON Terraform would print)`);
  s.out(`$ xks-harness check --terraform-plan ${file} --kms-endpoint ${s.kmsUrl} --ca ${s.caFile} --dev`);
  const report = await runPlanCheck({
    plan,
    shared: { extraCa: s.extraCa, dev: true, timeoutMs: 3000 },
    region: "us-east-1",
    keyIds: [],
    // No credentials named: the loopback endpoint gets placeholder ones (harness/common/aws-credentials.ts).
    kms: { endpoint: s.kmsUrl, env: {} },
    allowUnknown: false,
  });
  const text2 = redact(planToHuman(report, file, painter(false)), secretsIn(plan.raw));
  s.out(text2.trimEnd());
  const store = report.stores[0];
  s.expect(store?.check?.verdict === "pass", "every proxy check passes with the planned endpoint (key continuity too)");
  const risk = store?.applyRisks.find((r) => r.id === "needs-disconnected");
  s.expect(
    risk?.severity === "fail" && risk.exception === "CustomKeyStoreInvalidStateException",
    "yet the apply would fail: KMS says the store is CONNECTED, and the provider does not disconnect it "
      + "(CustomKeyStoreInvalidStateException); the fix prints the commands around the apply",
  );
  s.expect(!text2.includes(s.settings.secretAccessKey), "the plan holds the secret in plain text; the report does not");
}

