/**
 * The offline half of `check --terraform-plan`: reading and refusing plan files, selecting stores (modules,
 * count/for_each, CloudHSM, actions), key ids from the plan, unknown values, the apply risks, the provider's
 * lock file, and the secret scrub. Plans are test/helpers/terraform-plan-fixture.ts's documented format.
 */
import { describe, expect, it } from "vitest";
import { randomXksCredential } from "../../../src/client/random-credential.js";
import { planFixture, type PlanSpec } from "../../../test/helpers/terraform-plan-fixture.js";
import { UsageError } from "../../common/usage-error.js";
import type { StoreSnapshot } from "../../update/plan.js";
import { applyRisks, type RiskContext } from "./apply-risks.js";
import { planKeyIds } from "./key-ids.js";
import { parsePlan } from "./plan-file.js";
import { compareVersions, parseLockFile, versionAffected, PROVIDER_TRAPS } from "./provider-traps.js";
import { redact, secretsIn } from "./redact.js";
import { selectStores, unknownFields } from "./stores.js";

const credA = randomXksCredential();
const credB = randomXksCredential();
const A = { endpoint: "https://xks-a.example.com", path: "/a/kms/xks/v1", credential: credA, id: "cks-1111111111111111a", name: "a" };
const parse = (spec: PlanSpec) => parsePlan(JSON.stringify(planFixture(spec)), "plan.json");

function refusal(text: string): string {
  try {
    parsePlan(text, "f.json");
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error("parsePlan accepted it");
}

describe("plan file", () => {
  it("accepts format 1.x and ignores unknown fields", () => {
    const p = parse({ stores: [{ name: "main", actions: ["create"], after: A }], formatVersion: "1.9" });
    expect(p.formatVersion).toBe("1.9");
    expect(p.terraformVersion).toBe("1.11.4");
  });
  it.each([
    ["another major version", JSON.stringify({ ...planFixture({ stores: [] }), format_version: "2.0" }), /format_version "2.0".*reads format 1.x/],
    ["a state file", JSON.stringify({ version: 4, terraform_version: "1.11.4", serial: 3, lineage: "x", resources: [] }), /state file \(terraform.tfstate\)/],
    ["show -json of a state", JSON.stringify({ format_version: "1.0", terraform_version: "1.11.4", values: { root_module: {} } }), /JSON of a state/],
    ["truncated JSON", JSON.stringify(planFixture({ stores: [] })).slice(0, 200), /ends early \(truncated/],
    ["not JSON", "Terraform will perform the following actions:", /is not JSON/],
    ["a binary plan", "PK\u0003\u0004tfplan", /binary plan file/],
    ["empty", "  \n", /is empty/],
    ["an array", "[]", /not an object/],
  ])("refuses %s, naming the command that makes the right file", (_what, text, pattern) => {
    const m = refusal(text);
    expect(m).toMatch(pattern);
    expect(m).toContain("terraform show -json tfplan");
  });
});

describe("store selection", () => {
  it("finds stores at any module depth with count and for_each, names them by address, maps actions", () => {
    const p = parse({
      region: "eu-west-1",
      providers: { "aws.west": "us-west-2" },
      stores: [
        { name: "root", index: "x", actions: ["create"], after: A },
        { name: "s", module: "module.a[0].module.b", index: 1, actions: ["update"], before: A, after: { ...A, path: "/b/kms/xks/v1" }, provider: "aws.west" },
        { name: "r1", actions: ["delete", "create"], before: A, after: A },
        { name: "r2", actions: ["create", "delete"], before: A, after: A },
        { name: "gone", actions: ["delete"], before: A, after: null },
        { name: "same", actions: ["no-op"], before: A, after: A },
        { name: "hsm", actions: ["create"], after: { type: "AWS_CLOUDHSM", connectivity: null, name: "hsm" } },
      ],
    });
    const s = selectStores(p);
    expect(s.map((x) => [x.address, x.action, x.external, x.region])).toEqual([
      ['aws_kms_custom_key_store.root["x"]', "create", true, "eu-west-1"],
      ["module.a[0].module.b.aws_kms_custom_key_store.s[1]", "update", true, "us-west-2"],
      ["aws_kms_custom_key_store.r1", "replace", true, "eu-west-1"],
      ["aws_kms_custom_key_store.r2", "replace", true, "eu-west-1"],
      ["aws_kms_custom_key_store.gone", "delete", true, "eu-west-1"],
      ["aws_kms_custom_key_store.same", "unchanged", true, "eu-west-1"],
      ["aws_kms_custom_key_store.hsm", "create", false, "eu-west-1"],
    ]);
    expect(s[1]!.after).toMatchObject({ endpoint: A.endpoint, path: "/b/kms/xks/v1", accessKeyId: credA.accessKeyId, secretAccessKey: credA.secretAccessKey, connectivity: "PUBLIC_ENDPOINT" });
  });

  it("a region from a variable is not constant: the store has none (--region applies)", () => {
    expect(selectStores(parse({ region: null, stores: [{ name: "m", actions: ["create"], after: A }] }))[0]!.region).toBeUndefined();
  });

  it("reads after_unknown: single fields, the credential's parts, the whole block", () => {
    expect(unknownFields({ id: true, xks_proxy_uri_endpoint: true, xks_proxy_authentication_credential: [{ raw_secret_access_key: true }] })).toEqual(["endpoint", "secretAccessKey"]);
    expect(unknownFields({ xks_proxy_authentication_credential: true })).toEqual(["accessKeyId", "secretAccessKey"]);
    expect(unknownFields({ xks_proxy_authentication_credential: [{}] })).toEqual([]);
  });
});

describe("key ids from the plan", () => {
  it("by custom_key_store_id, by reference (with and without index, count.index, for_each), per module", () => {
    const p = parse({
      stores: [
        { name: "main", actions: ["update"], before: A, after: A },
        { name: "new", actions: ["create"], after: { ...A, id: undefined } },
        { name: "s", module: "module.m[0]", index: 1, actions: ["create"], after: { ...A, id: undefined } },
        { name: "e", index: "x", actions: ["create"], after: { ...A, id: undefined } },
      ],
      keys: [
        { name: "k1", xksKeyId: "by-id", storeId: A.id },
        { name: "k2", xksKeyId: "by-ref", references: ["aws_kms_custom_key_store.new.id", "aws_kms_custom_key_store.new"] },
        { name: "k3", module: "module.m[0]", index: 1, xksKeyId: "by-count", references: ["aws_kms_custom_key_store.s", "count.index"] },
        { name: "k4", module: "module.m[0]", index: 0, xksKeyId: "other-instance", references: ["aws_kms_custom_key_store.s", "count.index"] },
        { name: "k5", xksKeyId: "by-key", references: ['aws_kms_custom_key_store.e["x"].id', 'aws_kms_custom_key_store.e["x"]', "aws_kms_custom_key_store.e"] },
      ],
    });
    const [main, created, counted, each] = selectStores(p);
    expect(planKeyIds(p, main!)).toEqual(["by-id"]);
    expect(planKeyIds(p, created!)).toEqual(["by-ref"]);
    expect(planKeyIds(p, counted!)).toEqual(["by-count"]);
    expect(planKeyIds(p, each!)).toEqual(["by-key"]);
  });
});

describe("apply risks", () => {
  const snapshot = (state: string, over: Partial<StoreSnapshot> = {}): StoreSnapshot => ({ id: A.id, name: "a", state, endpoint: A.endpoint, path: A.path, accessKeyId: credA.accessKeyId, connectivity: "PUBLIC_ENDPOINT", ...over });
  const ctx = (over: Partial<RiskContext> = {}): RiskContext => ({ all: [], region: "us-east-1", aws: { region: "us-east-1" }, ...over });
  const moved = () => selectStores(parse({ stores: [{ name: "main", actions: ["update"], before: A, after: { ...A, endpoint: "https://xks-b.example.com" } }] }))[0]!;

  it("an endpoint change on a CONNECTED store fails with the commands around the apply; DISCONNECTED passes; no KMS warns", () => {
    const s = moved();
    const connected = applyRisks(s, [], ctx({ all: [s], kms: { ok: true, stores: [snapshot("CONNECTED")] } }));
    expect(connected).toMatchObject([{ id: "needs-disconnected", severity: "fail", exception: "CustomKeyStoreInvalidStateException" }]);
    expect(connected[0]!.fix).toContain(`aws kms disconnect-custom-key-store --custom-key-store-id ${A.id} --region us-east-1`);
    expect(connected[0]!.fix).toContain(`aws kms connect-custom-key-store --custom-key-store-id ${A.id}`);
    expect(applyRisks(s, [], ctx({ all: [s], kms: { ok: true, stores: [snapshot("DISCONNECTED")] } }))).toEqual([]);
    expect(applyRisks(s, [], ctx({ all: [s] }))).toMatchObject([{ id: "needs-disconnected", severity: "warn" }]);
  });

  it("an update of a FAILED store fails: KMS updates only CONNECTED or DISCONNECTED stores", () => {
    const s = selectStores(parse({ stores: [{ name: "main", actions: ["update"], before: A, after: { ...A, path: "/b/kms/xks/v1" } }] }))[0]!;
    const risks = applyRisks(s, [], ctx({ all: [s], kms: { ok: true, stores: [snapshot("FAILED", { connectionErrorCode: "NETWORK_ERRORS" })] } }));
    expect(risks).toMatchObject([{ id: "store-state", severity: "fail", exception: "CustomKeyStoreInvalidStateException" }]);
    expect(risks[0]!.fix).toContain("aws kms disconnect-custom-key-store");
  });

  it("a path change needs no DISCONNECTED", () => {
    const s = selectStores(parse({ stores: [{ name: "main", actions: ["update"], before: A, after: { ...A, path: "/b/kms/xks/v1" } }] }))[0]!;
    expect(applyRisks(s, [], ctx({ all: [s], kms: { ok: true, stores: [snapshot("CONNECTED")] } }))).toEqual([]);
  });

  it("replace and delete fail with CustomKeyStoreHasCMKsException, naming the keys", () => {
    const [r, d] = selectStores(parse({ stores: [{ name: "r", actions: ["delete", "create"], before: A, after: A }, { name: "d", actions: ["delete"], before: A, after: null }] }));
    expect(applyRisks(r!, ["foo"], ctx())).toMatchObject([{ id: "replace-external-key-store", severity: "fail", exception: "CustomKeyStoreHasCMKsException" }]);
    expect(applyRisks(r!, ["foo"], ctx())[0]!.detail).toContain("xks_key_id foo");
    expect(applyRisks(d!, [], ctx())).toMatchObject([{ id: "delete-external-key-store", severity: "fail" }]);
  });

  it("collisions inside the plan and with the account", () => {
    const B = { ...A, id: undefined, credential: credB };
    const stores = selectStores(parse({ stores: [{ name: "x", actions: ["create"], after: B }, { name: "y", actions: ["create"], after: B }, { name: "z", actions: ["create"], after: { ...B, path: "/z/kms/xks/v1" } }] }));
    const risks = applyRisks(stores[0]!, [], ctx({ all: stores }));
    expect(risks.map((r) => r.exception)).toEqual(["XksProxyUriInUseException", "XksProxyUriEndpointInUseException"]);
    const vpc = { ...B, connectivity: "VPC_ENDPOINT_SERVICE", vpcEndpointServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", endpoint: "https://v.example.com" };
    const [v] = selectStores(parse({ stores: [{ name: "v", actions: ["create"], after: vpc }] }));
    const account = { ok: true as const, stores: [snapshot("CONNECTED", { id: "cks-other000000000001", endpoint: "https://w.example.com", path: "/w/kms/xks/v1", connectivity: "VPC_ENDPOINT_SERVICE", vpcEndpointServiceName: vpc.vpcEndpointServiceName })] };
    expect(applyRisks(v!, [], ctx({ all: [v!], kms: account })).map((r) => r.exception)).toEqual(["XksProxyVpcEndpointServiceInUseException"]);
  });

  it("a credential change: fails with a locked version that panics, warns without a lock file", () => {
    const [s] = selectStores(parse({ stores: [{ name: "main", actions: ["update"], before: A, after: { ...A, credential: credB } }] }));
    const locked = applyRisks(s!, [], ctx({ provider: { source: "hashicorp/aws", version: "5.100.0", file: ".terraform.lock.hcl" } }));
    expect(locked).toMatchObject([{ id: "credential-update-panic", severity: "fail", exception: null }]);
    expect(locked[0]!.detail).toContain("terraform apply will crash the provider");
    expect(locked[0]!.fix).toContain("ignore_changes = [xks_proxy_authentication_credential]");
    expect(applyRisks(s!, [], ctx())).toMatchObject([{ id: "credential-update-panic", severity: "warn" }]);
  });
});

describe("provider versions", () => {
  it("reads the lock file of Terraform and OpenTofu", () => {
    const lock = `# This file is maintained automatically by "terraform init".\nprovider "registry.terraform.io/hashicorp/aws" {\n  version     = "5.100.0"\n  constraints = "~> 5.0"\n  hashes = [\n    "h1:x=",\n  ]\n}\n\nprovider "registry.opentofu.org/hashicorp/random" {\n  version = "3.6.0"\n}\n`;
    expect(parseLockFile(lock, "l")).toEqual([
      { source: "hashicorp/aws", version: "5.100.0", file: "l" },
      { source: "hashicorp/random", version: "3.6.0", file: "l" },
    ]);
  });
  it("every version is affected until a fixed one is recorded", () => {
    expect(compareVersions("5.100.0", "5.99.1")).toBe(1);
    expect(compareVersions("6.0.0-beta1", "6.0.0")).toBe(-1);
    const trap = PROVIDER_TRAPS[0]!;
    expect(versionAffected(trap, "6.30.0")).toBe(trap.fixedIn === null);
    expect(versionAffected({ ...trap, fixedIn: "6.1.0" }, "6.0.9")).toBe(true);
    expect(versionAffected({ ...trap, fixedIn: "6.1.0" }, "6.1.0")).toBe(false);
  });
});

describe("secrets", () => {
  it("finds every secret of the plan, in values and configuration, and scrubs them", () => {
    const doc = planFixture({ stores: [{ name: "m", actions: ["update"], before: A, after: { ...A, credential: credB } }] });
    (doc.configuration as { provider_config: { aws: { expressions: Record<string, unknown> } } }).provider_config.aws.expressions.secret_key = { constant_value: "provider-secret-value" };
    const secrets = secretsIn(doc);
    expect(secrets).toEqual(expect.arrayContaining([credA.secretAccessKey, credB.secretAccessKey, "provider-secret-value"]));
    expect(redact(`x ${credB.secretAccessKey} y`, secrets)).toBe("x <redacted> y");
  });
});

describe("concurrency", () => {
  it("checks at most MAX_PARALLEL_STORES stores at once, so 10 stores take two rounds", async () => {
    const { pool, MAX_PARALLEL_STORES } = await import("./run-plan-check.js");
    let running = 0;
    let most = 0;
    let started = 0;
    const gates: (() => void)[] = [];
    const done = pool(Array.from({ length: 10 }, (_, i) => i), MAX_PARALLEL_STORES, async (i) => {
      running += 1;
      most = Math.max(most, running);
      started += 1;
      await new Promise<void>((resolve) => gates.push(resolve));
      running -= 1;
      return i * 2;
    });
    // Release the stores as they start, one at a time, until all ran.
    while (started < 10 || running > 0) {
      await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    expect(await done).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(MAX_PARALLEL_STORES).toBeGreaterThanOrEqual(5);
    expect(most).toBe(MAX_PARALLEL_STORES);
  });
});
