/**
 * Managing KMS keys in an external key store through the real AWS SDK against the local KMS and a real mock proxy:
 * key policies, tags, description, enable/disable, deletion and its cancellation, rotation (not supported in a
 * custom key store), UpdateAlias, and the Unavailable key state of a disconnected store — each with KMS's rules
 * and exception names. These are the calls the Terraform AWS provider makes (test/terraform-local-kms.test.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  CustomKeyStoreHasCMKsException,
  DeleteCustomKeyStoreCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  DisabledException,
  DisconnectCustomKeyStoreCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  KMSInvalidStateException,
  LimitExceededException,
  ListAliasesCommand,
  ListKeyPoliciesCommand,
  ListResourceTagsCommand,
  MalformedPolicyDocumentException,
  NotFoundException,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  TagException,
  TagResourceCommand,
  UnsupportedOperationException,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
} from "@aws-sdk/client-kms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedLocalKms } from "../src/kms/index.js";
import { randomXksCredential } from "../src/client/random-credential.js";
import { connectStore, connectedKey, createStore, expectKmsError, sdkClient, startTestKms } from "./helpers/kms-fixture.js";
import { startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";

const cred = randomXksCredential();
const POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "only-root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "kms:*", Resource: "*" }] });

let proxy: TestProxy;
let kms: StartedLocalKms;
let client: KMSClient;
let storeId: string;

beforeAll(async () => {
  [proxy, kms] = await Promise.all([
    startTestProxy(
      testConfig({
        keystores: [
          { name: "ks", pathPrefix: "/manage", credentials: [cred], keys: ["k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"].map((id) => ({ id })) },
          { name: "other", pathPrefix: "/other", credentials: [cred], keys: [{ id: "o1" }, { id: "o2" }] },
        ],
      }),
    ),
    startTestKms(),
  ]);
  client = sdkClient(kms);
  storeId = await createStore(client, proxy, { keystore: "ks", credential: cred });
  await connectStore(client, kms, storeId);
});
afterAll(async () => {
  client?.destroy();
  await kms?.stop();
  await proxy?.stop();
});

async function newKey(xksKeyId: string, extra: { Policy?: string; Description?: string; Tags?: { TagKey: string; TagValue: string }[] } = {}) {
  const out = await client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: storeId, XksKeyId: xksKeyId, ...extra }));
  return { keyId: out.KeyMetadata!.KeyId!, arn: out.KeyMetadata!.Arn! };
}

const describeKey = async (keyId: string) => (await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;

describe("key policies", () => {
  it("CreateKey without a Policy gets KMS's default key policy; PutKeyPolicy replaces it and GetKeyPolicy returns it as given", async () => {
    const { keyId, arn } = await newKey("k1");
    const got = await client.send(new GetKeyPolicyCommand({ KeyId: keyId }));
    expect(got.PolicyName).toBe("default");
    expect(JSON.parse(got.Policy!)).toEqual({
      Version: "2012-10-17",
      Id: "key-default-1",
      Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "kms:*", Resource: "*" }],
    });
    await client.send(new PutKeyPolicyCommand({ KeyId: arn, PolicyName: "default", Policy: POLICY }));
    expect((await client.send(new GetKeyPolicyCommand({ KeyId: arn, PolicyName: "default" }))).Policy).toBe(POLICY);
    expect(await client.send(new ListKeyPoliciesCommand({ KeyId: keyId }))).toMatchObject({ PolicyNames: ["default"], Truncated: false });
  });

  it("CreateKey with a Policy keeps it; a policy that is not a JSON document with a Statement is MalformedPolicyDocumentException", async () => {
    const { keyId } = await newKey("k2", { Policy: POLICY, Description: "with policy", Tags: [{ TagKey: "team", TagValue: "platform" }] });
    expect((await client.send(new GetKeyPolicyCommand({ KeyId: keyId }))).Policy).toBe(POLICY);
    expect((await describeKey(keyId)).Description).toBe("with policy");
    for (const bad of ["{not json", '{"Version":"2012-10-17"}', "[]"]) {
      const e = await expectKmsError(client.send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: bad })), "MalformedPolicyDocumentException", MalformedPolicyDocumentException);
      expect(e.message).toMatch(/JSON|Statement/);
    }
    await expectKmsError(client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: storeId, XksKeyId: "k8", Policy: "{" })), "MalformedPolicyDocumentException", MalformedPolicyDocumentException);
  });

  it("a policy name other than default, or an alias as KeyId, is NotFoundException", async () => {
    const { keyId } = await newKey("k3");
    await client.send(new CreateAliasCommand({ AliasName: "alias/policy-by-alias", TargetKeyId: keyId }));
    const e = await expectKmsError(client.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: "other" })), "NotFoundException", NotFoundException);
    expect(e.message).toMatch(/only key policy name is default/);
    await expectKmsError(client.send(new GetKeyPolicyCommand({ KeyId: "alias/policy-by-alias" })), "NotFoundException", NotFoundException);
    await expectKmsError(client.send(new GetKeyPolicyCommand({ KeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" })), "NotFoundException", NotFoundException);
  });
});

describe("tags", () => {
  it("TagResource adds and replaces values, UntagResource removes keys, ListResourceTags pages (1-50)", async () => {
    const { keyId, arn } = await newKey("k4", { Tags: [{ TagKey: "team", TagValue: "platform" }] });
    await client.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: "team", TagValue: "security" }, { TagKey: "env", TagValue: "" }] }));
    expect((await client.send(new ListResourceTagsCommand({ KeyId: arn }))).Tags).toEqual([
      { TagKey: "team", TagValue: "security" },
      { TagKey: "env", TagValue: "" },
    ]);
    const first = await client.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 1 }));
    expect(first).toMatchObject({ Tags: [{ TagKey: "team" }], Truncated: true });
    const second = await client.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 1, Marker: first.NextMarker }));
    expect(second).toMatchObject({ Tags: [{ TagKey: "env" }], Truncated: false });
    await client.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: ["team", "never-set"] }));
    expect((await client.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags).toEqual([{ TagKey: "env", TagValue: "" }]);
    await expectKmsError(client.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 51 })), "ValidationException");
  });

  it("aws: keys and repeated keys are TagException; more than 50 tags is LimitExceededException; lengths are the model's", async () => {
    const { keyId } = await newKey("k5");
    const e = await expectKmsError(client.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: "aws:owner", TagValue: "x" }] })), "TagException", TagException);
    expect(e.message).toMatch(/reserved/);
    await expectKmsError(client.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: "a", TagValue: "1" }, { TagKey: "a", TagValue: "2" }] })), "TagException", TagException);
    const fifty = Array.from({ length: 50 }, (_, n) => ({ TagKey: `t${n}`, TagValue: "v" }));
    await client.send(new TagResourceCommand({ KeyId: keyId, Tags: fifty }));
    await expectKmsError(client.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: "one-more", TagValue: "v" }] })), "LimitExceededException", LimitExceededException);
    await client.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: "t0", TagValue: "replaced" }] }));
    await expectKmsError(client.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: "k".repeat(129), TagValue: "v" }] })), "ValidationException");
    await expectKmsError(client.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: "k", TagValue: "v".repeat(257) }] })), "ValidationException");
    await expectKmsError(client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: storeId, XksKeyId: "k8", Tags: [{ TagKey: "aws:x", TagValue: "" }] })), "TagException", TagException);
  });
});

describe("key state: description, enable/disable, deletion, rotation", () => {
  it("UpdateKeyDescription; DisableKey makes Encrypt DisabledException; EnableKey makes it work again", async () => {
    const { keyId } = await newKey("k6", { Description: "before" });
    await client.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: "after" }));
    expect((await describeKey(keyId)).Description).toBe("after");
    await client.send(new DisableKeyCommand({ KeyId: keyId }));
    expect(await describeKey(keyId)).toMatchObject({ KeyState: "Disabled", Enabled: false });
    await expectKmsError(client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("x") })), "DisabledException", DisabledException);
    await client.send(new EnableKeyCommand({ KeyId: keyId }));
    expect(await describeKey(keyId)).toMatchObject({ KeyState: "Enabled", Enabled: true });
    await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("x") }));
  });

  it("ScheduleKeyDeletion: 7-30 days (30 by default); while pending, managing the key is KMSInvalidStateException; CancelKeyDeletion leaves it Disabled", async () => {
    const { keyId, arn } = await newKey("k7");
    for (const days of [6, 31]) await expectKmsError(client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: days })), "ValidationException");
    const out = await client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId }));
    expect(out).toMatchObject({ KeyId: arn, KeyState: "PendingDeletion", PendingWindowInDays: 30 });
    expect((out.DeletionDate!.getTime() - Date.now()) / 86_400_000).toBeCloseTo(30, 1);
    expect(await describeKey(keyId)).toMatchObject({ KeyState: "PendingDeletion", Enabled: false, DeletionDate: out.DeletionDate });
    const refused = [
      new ScheduleKeyDeletionCommand({ KeyId: keyId }),
      new EnableKeyCommand({ KeyId: keyId }),
      new DisableKeyCommand({ KeyId: keyId }),
      new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: "x" }),
      new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: "a", TagValue: "b" }] }),
      new UntagResourceCommand({ KeyId: keyId, TagKeys: ["a"] }),
      new CreateAliasCommand({ AliasName: "alias/to-pending", TargetKeyId: keyId }),
    ];
    for (const command of refused) {
      const e = await expectKmsError(client.send(command as never), "KMSInvalidStateException", KMSInvalidStateException);
      expect(e.message).toBe(`${arn} is pending deletion.`);
    }
    // Reading and the key policy stay allowed.
    await client.send(new GetKeyPolicyCommand({ KeyId: keyId }));
    await client.send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: POLICY }));
    await client.send(new ListResourceTagsCommand({ KeyId: keyId }));

    expect(await client.send(new CancelKeyDeletionCommand({ KeyId: arn }))).toMatchObject({ KeyId: arn });
    const after = await describeKey(keyId);
    expect(after).toMatchObject({ KeyState: "Disabled", Enabled: false });
    expect(after.DeletionDate).toBeUndefined();
    const e = await expectKmsError(client.send(new CancelKeyDeletionCommand({ KeyId: keyId })), "KMSInvalidStateException", KMSInvalidStateException);
    expect(e.message).toBe(`${arn} is disabled.`);
  });

  it("rotation is not supported for keys in a custom key store: UnsupportedOperationException (NotFoundException for an unknown key)", async () => {
    const { keyId } = await newKey("k8");
    for (const command of [new GetKeyRotationStatusCommand({ KeyId: keyId }), new EnableKeyRotationCommand({ KeyId: keyId }), new DisableKeyRotationCommand({ KeyId: keyId })]) {
      const e = await expectKmsError(client.send(command as never), "UnsupportedOperationException", UnsupportedOperationException);
      expect(e.message).toMatch(/not supported for KMS keys in a custom key store/);
    }
    await expectKmsError(client.send(new GetKeyRotationStatusCommand({ KeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" })), "NotFoundException", NotFoundException);
  });
});

describe("UpdateAlias and the Unavailable state", () => {
  it("UpdateAlias points an alias at another key; unknown aliases are NotFoundException, an alias target ValidationException", async () => {
    const other = await createStore(client, proxy, { keystore: "other", credential: cred, name: "alias-store" });
    await connectStore(client, kms, other);
    const a = (await client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: other, XksKeyId: "o1" }))).KeyMetadata!;
    const b = (await client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: other, XksKeyId: "o2" }))).KeyMetadata!;
    await client.send(new CreateAliasCommand({ AliasName: "alias/moving", TargetKeyId: a.KeyId }));
    await client.send(new UpdateAliasCommand({ AliasName: "alias/moving", TargetKeyId: b.Arn }));
    const listed = (await client.send(new ListAliasesCommand({ KeyId: b.KeyId }))).Aliases!;
    expect(listed).toMatchObject([{ AliasName: "alias/moving", TargetKeyId: b.KeyId }]);
    expect(listed[0]!.LastUpdatedDate!.getTime()).toBeGreaterThanOrEqual(listed[0]!.CreationDate!.getTime());
    expect((await client.send(new EncryptCommand({ KeyId: "alias/moving", Plaintext: Buffer.from("x") }))).KeyId).toBe(b.Arn);
    await expectKmsError(client.send(new UpdateAliasCommand({ AliasName: "alias/absent", TargetKeyId: a.KeyId })), "NotFoundException", NotFoundException);
    await expectKmsError(client.send(new UpdateAliasCommand({ AliasName: "alias/moving", TargetKeyId: "alias/moving" })), "ValidationException");

    // A disconnected store's keys are Unavailable: they can be managed, not used; their own state shows again on connect.
    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: other }));
    expect(await describeKey(a.KeyId!)).toMatchObject({ KeyState: "Unavailable", Enabled: false });
    await client.send(new DisableKeyCommand({ KeyId: a.KeyId }));
    await client.send(new TagResourceCommand({ KeyId: a.KeyId, Tags: [{ TagKey: "while", TagValue: "disconnected" }] }));
    await expectKmsError(client.send(new EncryptCommand({ KeyId: b.KeyId, Plaintext: Buffer.from("x") })), "KMSInvalidStateException", KMSInvalidStateException);
    await connectStore(client, kms, other);
    expect(await describeKey(a.KeyId!)).toMatchObject({ KeyState: "Disabled", Enabled: false });
    expect(await describeKey(b.KeyId!)).toMatchObject({ KeyState: "Enabled", Enabled: true });

    // A store with keys cannot be deleted, even when every key is pending deletion, in any connection state.
    for (const k of [a, b]) await client.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
    const e = await expectKmsError(client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: other })), "CustomKeyStoreHasCMKsException", CustomKeyStoreHasCMKsException);
    expect(e.message).toMatch(/2 KMS keys \(2 pending deletion\)/);
  });
});

describe("persistence", () => {
  it("policies, tags, descriptions, key states and alias targets survive a restart with a state file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xks-kms-manage-"));
    const stateFile = join(dir, "state.json");
    try {
      let local = await startTestKms({ stateFile });
      let c = sdkClient(local);
      const { keyId } = await connectedKey(c, local, proxy, { keystore: "ks", credential: cred, xksKeyId: "k1", name: "persisted" });
      await c.send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: POLICY }));
      await c.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: "team", TagValue: "platform" }] }));
      await c.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: "kept" }));
      await c.send(new DisableKeyCommand({ KeyId: keyId }));
      c.destroy();
      await local.stop();

      local = await startTestKms({ stateFile });
      c = sdkClient(local);
      try {
        expect((await c.send(new GetKeyPolicyCommand({ KeyId: keyId }))).Policy).toBe(POLICY);
        expect((await c.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags).toEqual([{ TagKey: "team", TagValue: "platform" }]);
        const meta = (await c.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
        expect(meta.Description).toBe("kept");
        // The store comes back as it was (CONNECTED), so the key shows its own state.
        expect(meta.KeyState).toBe("Disabled");
      } finally {
        c.destroy();
        await local.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
