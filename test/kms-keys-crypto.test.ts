/**
 * KMS keys in an external key store and the cryptographic operations, through the real AWS SDK against the local
 * KMS and a real mock proxy: CreateKey's checks of the external key, aliases, and Encrypt / Decrypt / ReEncrypt /
 * GenerateDataKey* round trips, with the requestMetadata the proxy receives and the failures the spec's table
 * maps to KMSInvalidStateException (spec, "Error codes → KMS considerations").
 */
import {
  AlreadyExistsException,
  CreateAliasCommand,
  CreateKeyCommand,
  CustomKeyStoreInvalidStateException,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisconnectCustomKeyStoreCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  KMSClient,
  KMSInvalidStateException,
  ListAliasesCommand,
  ListKeysCommand,
  NotFoundException,
  ReEncryptCommand,
  ScheduleKeyDeletionCommand,
  XksKeyAlreadyInUseException,
  XksKeyInvalidConfigurationException,
  XksKeyNotFoundException,
} from "@aws-sdk/client-kms";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { StartedLocalKms } from "../src/kms/index.js";
import { defaultKeys } from "../src/proxy/config-schema.js";
import { connectStore, connectedKey, createStore, expectKmsError, KMS_BUDGET, proxyRecords, sdkClient, startTestKms } from "./helpers/kms-fixture.js";
import { startTestProxy, testConfig, type TestProxy } from "./helpers/proxy-fixture.js";
import { addFault, clearFaults } from "./helpers/admin-faults.js";
import { randomXksCredential } from "../src/client/random-credential.js";

const cred = randomXksCredential();
/** The SDK signs with this access key id; the local KMS makes it the caller's principal. */
const PRINCIPAL = "arn:aws:iam::000000000000:user/AKIDLOCALTEST";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let proxy: TestProxy;
let kms: StartedLocalKms;
let client: KMSClient;
let storeId: string;
/** foo and bar in the connected store; alias/crypto-one → foo's key. */
let one: { keyId: string; arn: string };
let two: { keyId: string; arn: string };

beforeAll(async () => {
  [proxy, kms] = await Promise.all([
    startTestProxy(
      testConfig({
        keystores: [
          {
            name: "ks",
            pathPrefix: "/crypto",
            credentials: [cred],
            keys: [
              ...defaultKeys(),
              { id: "bar" },
              { id: "baz" },
              { id: "doomed" },
              { id: "slow" },
              // Secondary authorization proves the requestMetadata: only this principal, only these operations.
              { id: "guarded", allowedPrincipals: [PRINCIPAL], allowedOperations: ["CreateKey", "Encrypt", "Decrypt"] },
            ],
          },
          { name: "idle", pathPrefix: "/idle", credentials: [cred], keys: [{ id: "foo" }] },
        ],
      }),
    ),
    startTestKms(),
  ]);
  client = sdkClient(kms);
  const k = await connectedKey(client, kms, proxy, { keystore: "ks", xksKeyId: "foo" });
  storeId = k.storeId;
  one = k;
  const key2 = await client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: storeId, XksKeyId: "bar", Description: "second" }));
  two = { keyId: key2.KeyMetadata!.KeyId!, arn: key2.KeyMetadata!.Arn! };
  await client.send(new CreateAliasCommand({ AliasName: "alias/crypto-one", TargetKeyId: one.keyId }));
});
afterAll(async () => {
  client?.destroy();
  await kms?.stop();
  await proxy?.stop();
});
afterEach(() => clearFaults(proxy));

/** The proxy's log records of key operations since `from`. */
function xksCalls(from: number) {
  return proxyRecords(proxy)
    .slice(from)
    .map((r) => ({ operation: r.operation, kmsOperation: r.kmsOperation, keyId: r.keyId, status: r.status, kmsRequestId: r.kmsRequestId }));
}

describe("CreateKey in an external key store", () => {
  it("DescribeKey shows the XKS key: XksKeyConfiguration, Origin, KeyState, CustomKeyStoreId", async () => {
    const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: one.keyId }));
    expect(KeyMetadata).toMatchObject({
      AWSAccountId: "000000000000",
      KeyId: one.keyId,
      Arn: `arn:aws:kms:us-east-1:000000000000:key/${one.keyId}`,
      Enabled: true,
      KeyState: "Enabled",
      KeyUsage: "ENCRYPT_DECRYPT",
      KeySpec: "SYMMETRIC_DEFAULT",
      Origin: "EXTERNAL_KEY_STORE",
      KeyManager: "CUSTOMER",
      CustomKeyStoreId: storeId,
      XksKeyConfiguration: { Id: "foo" },
      CreationDate: expect.any(Date),
    });
    expect(one.keyId).toMatch(UUID);
  });

  it("asked the proxy for the key's metadata with kmsOperation CreateKey", () => {
    expect(proxyRecords(proxy).filter((r) => r.kmsOperation === "CreateKey" && r.keyId === "foo")).toEqual([expect.objectContaining({ operation: "metadata", status: 200, kmsRequestId: expect.stringMatching(UUID) })]);
  });

  const refused: { xksKeyId: string; exception: string; cls: abstract new (...args: never[]) => Error }[] = [
    { xksKeyId: "encrypt_only_key", exception: "XksKeyInvalidConfigurationException", cls: XksKeyInvalidConfigurationException },
    { xksKeyId: "impotent_key", exception: "XksKeyInvalidConfigurationException", cls: XksKeyInvalidConfigurationException },
    { xksKeyId: "disabled_key", exception: "XksKeyInvalidConfigurationException", cls: XksKeyInvalidConfigurationException },
    { xksKeyId: "no-such-key", exception: "XksKeyNotFoundException", cls: XksKeyNotFoundException },
    { xksKeyId: "foo", exception: "XksKeyAlreadyInUseException", cls: XksKeyAlreadyInUseException },
  ];
  it.each(refused)("XksKeyId $xksKeyId → $exception, and no KMS key is made", async ({ xksKeyId, exception, cls }) => {
    const before = (await client.send(new ListKeysCommand({}))).Keys!.length;
    await expectKmsError(client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: storeId, XksKeyId: xksKeyId })), exception, cls);
    expect((await client.send(new ListKeysCommand({}))).Keys!.length).toBe(before);
  });

  it("a proxy reporting keySpec RSA_0 (mutation key-spec-rsa) → XksKeyInvalidConfigurationException", async () => {
    await addFault(proxy, "ks", { type: "mutation", mutation: "key-spec-rsa", operation: "metadata" });
    const e = await expectKmsError(client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: storeId, XksKeyId: "baz" })), "XksKeyInvalidConfigurationException", XksKeyInvalidConfigurationException);
    expect(e.message).toMatch(/AES_256/);
  });

  it("a store that is not CONNECTED → CustomKeyStoreInvalidStateException, without asking the proxy", async () => {
    const idle = await createStore(client, proxy, { keystore: "idle" });
    const before = proxyRecords(proxy).length;
    await expectKmsError(client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: idle, XksKeyId: "foo" })), "CustomKeyStoreInvalidStateException", CustomKeyStoreInvalidStateException);
    expect(proxyRecords(proxy).length).toBe(before);
  });

  it("ListKeys lists the keys with their ARNs", async () => {
    const { Keys, Truncated } = await client.send(new ListKeysCommand({}));
    expect(Keys).toEqual(expect.arrayContaining([{ KeyId: one.keyId, KeyArn: one.arn }, { KeyId: two.keyId, KeyArn: two.arn }]));
    expect(Truncated).toBe(false);
  });

  it("ScheduleKeyDeletion: PendingDeletion, after which Encrypt is KMSInvalidStateException", async () => {
    const { KeyMetadata } = await client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: storeId, XksKeyId: "doomed" }));
    const keyId = KeyMetadata!.KeyId!;
    await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("before") }));
    const out = await client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    expect(out).toMatchObject({ KeyId: KeyMetadata!.Arn, KeyState: "PendingDeletion", PendingWindowInDays: 7, DeletionDate: expect.any(Date) });
    expect((await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata).toMatchObject({ KeyState: "PendingDeletion", Enabled: false, DeletionDate: expect.any(Date) });
    await expectKmsError(client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("after") })), "KMSInvalidStateException", KMSInvalidStateException);
  });
});

describe("aliases", () => {
  it("CreateAlias / ListAliases / DeleteAlias, with AlreadyExistsException and NotFoundException", async () => {
    await client.send(new CreateAliasCommand({ AliasName: "alias/temp", TargetKeyId: two.arn }));
    const listed = (await client.send(new ListAliasesCommand({}))).Aliases!;
    expect(listed).toEqual(
      expect.arrayContaining([
        { AliasName: "alias/crypto-one", AliasArn: "arn:aws:kms:us-east-1:000000000000:alias/crypto-one", TargetKeyId: one.keyId, CreationDate: expect.any(Date), LastUpdatedDate: expect.any(Date) },
        { AliasName: "alias/temp", AliasArn: "arn:aws:kms:us-east-1:000000000000:alias/temp", TargetKeyId: two.keyId, CreationDate: expect.any(Date), LastUpdatedDate: expect.any(Date) },
      ]),
    );
    expect((await client.send(new ListAliasesCommand({ KeyId: two.keyId }))).Aliases!.map((a) => a.AliasName)).toEqual(["alias/temp"]);
    await expectKmsError(client.send(new CreateAliasCommand({ AliasName: "alias/temp", TargetKeyId: one.keyId })), "AlreadyExistsException", AlreadyExistsException);
    await expectKmsError(client.send(new CreateAliasCommand({ AliasName: "alias/to-nothing", TargetKeyId: "00000000-0000-0000-0000-000000000000" })), "NotFoundException", NotFoundException);
    await client.send(new DeleteAliasCommand({ AliasName: "alias/temp" }));
    expect((await client.send(new ListAliasesCommand({}))).Aliases!.map((a) => a.AliasName)).not.toContain("alias/temp");
    await expectKmsError(client.send(new DeleteAliasCommand({ AliasName: "alias/temp" })), "NotFoundException", NotFoundException);
    await expectKmsError(client.send(new EncryptCommand({ KeyId: "alias/temp", Plaintext: Buffer.from("x") })), "NotFoundException", NotFoundException);
  });
});

describe("Encrypt / Decrypt / ReEncrypt / GenerateDataKey* round trips", () => {
  const ways = [
    { way: "key id", keyId: () => one.keyId },
    { way: "key ARN", keyId: () => one.arn },
    { way: "alias name", keyId: () => "alias/crypto-one" },
    { way: "alias ARN", keyId: () => "arn:aws:kms:us-east-1:000000000000:alias/crypto-one" },
  ];

  it.each(ways)("Encrypt then Decrypt, naming the key by $way", async ({ keyId }) => {
    const plaintext = Buffer.from(`secret data ${Math.random()}`);
    const ec = { purpose: "test", tenant: "t-1" };
    const enc = await client.send(new EncryptCommand({ KeyId: keyId(), Plaintext: plaintext, EncryptionContext: ec }));
    expect(enc).toMatchObject({ KeyId: one.arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
    expect(Buffer.from(enc.CiphertextBlob!).includes(plaintext)).toBe(false);
    // Key order of the context does not matter.
    const dec = await client.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { tenant: "t-1", purpose: "test" } }));
    expect(Buffer.from(dec.Plaintext!)).toEqual(plaintext);
    expect(dec.KeyId).toBe(one.arn);
    const withKey = await client.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec, KeyId: keyId() }));
    expect(Buffer.from(withKey.Plaintext!)).toEqual(plaintext);
  });

  it("GenerateDataKey: AES_256 gives 32 bytes, AES_128 16, NumberOfBytes n; the blob decrypts to the plaintext key", async () => {
    for (const [input, bytes] of [[{ KeySpec: "AES_256" as const }, 32], [{ KeySpec: "AES_128" as const }, 16], [{ NumberOfBytes: 64 }, 64]] as const) {
      const dk = await client.send(new GenerateDataKeyCommand({ KeyId: "alias/crypto-one", ...input, EncryptionContext: { k: "v" } }));
      expect(dk.Plaintext?.length).toBe(bytes);
      expect(dk.KeyId).toBe(one.arn);
      const dec = await client.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: { k: "v" } }));
      expect(Buffer.from(dec.Plaintext!)).toEqual(Buffer.from(dk.Plaintext!));
    }
    await expectKmsError(client.send(new GenerateDataKeyCommand({ KeyId: one.keyId })), "ValidationException");
    await expectKmsError(client.send(new GenerateDataKeyCommand({ KeyId: one.keyId, KeySpec: "AES_256", NumberOfBytes: 32 })), "ValidationException");
  });

  it("GenerateDataKeyWithoutPlaintext: no plaintext in the answer; the blob decrypts to a 32-byte key", async () => {
    const dk = await client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: one.arn, KeySpec: "AES_256" }));
    expect(dk).not.toHaveProperty("Plaintext");
    expect(dk.KeyId).toBe(one.arn);
    const dec = await client.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
    expect(dec.Plaintext?.length).toBe(32);
  });

  it("ReEncrypt to a second key, with a new context: decrypts under the second key only", async () => {
    const plaintext = Buffer.from("move me");
    const enc = await client.send(new EncryptCommand({ KeyId: "alias/crypto-one", Plaintext: plaintext, EncryptionContext: { v: "1" } }));
    const re = await client.send(new ReEncryptCommand({ CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: { v: "1" }, DestinationKeyId: two.keyId, DestinationEncryptionContext: { v: "2" } }));
    expect(re).toMatchObject({ SourceKeyId: one.arn, KeyId: two.arn, SourceEncryptionAlgorithm: "SYMMETRIC_DEFAULT", DestinationEncryptionAlgorithm: "SYMMETRIC_DEFAULT" });
    const dec = await client.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { v: "2" } }));
    expect(Buffer.from(dec.Plaintext!)).toEqual(plaintext);
    expect(dec.KeyId).toBe(two.arn);
    await expectKmsError(client.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { v: "2" }, KeyId: one.keyId })), "IncorrectKeyException", IncorrectKeyException);
  });

  it("the proxy received the requestMetadata KMS sends: kmsOperation per API and a kmsRequestId each", async () => {
    const from = proxyRecords(proxy).length;
    const enc = await client.send(new EncryptCommand({ KeyId: one.keyId, Plaintext: Buffer.from("meta") }));
    await client.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
    await client.send(new GenerateDataKeyCommand({ KeyId: one.keyId, KeySpec: "AES_256" }));
    await client.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: one.keyId, NumberOfBytes: 16 }));
    await client.send(new ReEncryptCommand({ CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: two.keyId }));
    const calls = xksCalls(from);
    expect(calls.map(({ kmsRequestId: _, ...c }) => c)).toEqual([
      { operation: "encrypt", kmsOperation: "Encrypt", keyId: "foo", status: 200 },
      { operation: "decrypt", kmsOperation: "Decrypt", keyId: "foo", status: 200 },
      { operation: "encrypt", kmsOperation: "GenerateDataKey", keyId: "foo", status: 200 },
      { operation: "encrypt", kmsOperation: "GenerateDataKeyWithoutPlaintext", keyId: "foo", status: 200 },
      { operation: "decrypt", kmsOperation: "ReEncrypt", keyId: "foo", status: 200 },
      { operation: "encrypt", kmsOperation: "ReEncrypt", keyId: "bar", status: 200 },
    ]);
    for (const c of calls) expect(c.kmsRequestId).toMatch(UUID);
    expect(new Set(calls.map((c) => c.kmsRequestId)).size).toBe(calls.length);
  });

  it("awsPrincipalArn and kmsOperation reach the proxy's secondary authorization: allowed operations pass, others are denied", async () => {
    const { KeyMetadata } = await client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: storeId, XksKeyId: "guarded" }));
    const enc = await client.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId!, Plaintext: Buffer.from("guarded") }));
    expect(Buffer.from((await client.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }))).Plaintext!).toString()).toBe("guarded");
    const denied = await expectKmsError(client.send(new GenerateDataKeyCommand({ KeyId: KeyMetadata!.KeyId!, KeySpec: "AES_256" })), "KMSInvalidStateException", KMSInvalidStateException);
    expect(denied.message).toMatch(/denied access/);
    // Another caller (another access key id → another principal) is refused by the proxy.
    const stranger = new KMSClient({ endpoint: kms.url, region: "us-east-1", credentials: { accessKeyId: "AKIDSTRANGER", secretAccessKey: "x" }, maxAttempts: 1 });
    try {
      await expectKmsError(stranger.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId!, Plaintext: Buffer.from("x") })), "KMSInvalidStateException", KMSInvalidStateException);
    } finally {
      stranger.destroy();
    }
  });
});

describe("failures of cryptographic operations (spec table: KMSInvalidStateException)", () => {
  let sealed: Uint8Array;
  const ec = { file: "a.txt" };

  beforeAll(async () => {
    sealed = (await client.send(new EncryptCommand({ KeyId: one.keyId, Plaintext: Buffer.from("sealed"), EncryptionContext: ec }))).CiphertextBlob!;
  });

  it("row 3: an EncryptionContext that differs, or is missing, at Decrypt → KMSInvalidStateException", async () => {
    const wrongs: (Record<string, string> | undefined)[] = [{ file: "b.txt" }, { file: "a.txt", extra: "1" }, undefined];
    for (const wrong of wrongs) {
      const e = await expectKmsError(client.send(new DecryptCommand({ CiphertextBlob: sealed, ...(wrong ? { EncryptionContext: wrong } : {}) })), "KMSInvalidStateException", KMSInvalidStateException);
      expect(e.message).toMatch(/ciphertext or encryption context/);
    }
    expect(proxyRecords(proxy).at(-1)).toMatchObject({ operation: "decrypt", kmsOperation: "Decrypt", status: 400, errorName: "InvalidCiphertextException" });
  });

  it("a tampered CiphertextBlob: in the ciphertext → KMSInvalidStateException; in the blob's framing → InvalidCiphertextException", async () => {
    const body = Buffer.from(sealed);
    body[body.length - 1]! ^= 0x01;
    await expectKmsError(client.send(new DecryptCommand({ CiphertextBlob: body, EncryptionContext: ec })), "KMSInvalidStateException", KMSInvalidStateException);
    const framing = Buffer.from(sealed);
    framing[0]! ^= 0xff;
    await expectKmsError(client.send(new DecryptCommand({ CiphertextBlob: framing, EncryptionContext: ec })), "InvalidCiphertextException", InvalidCiphertextException);
    await expectKmsError(client.send(new DecryptCommand({ CiphertextBlob: Buffer.from(sealed).subarray(0, 20), EncryptionContext: ec })), "InvalidCiphertextException", InvalidCiphertextException);
  });

  it("row 13: the proxy answering InternalException on encrypt → KMSInvalidStateException", async () => {
    await addFault(proxy, "ks", { type: "error", errorName: "InternalException", operation: "encrypt" });
    const e = await expectKmsError(client.send(new EncryptCommand({ KeyId: one.keyId, Plaintext: Buffer.from("x") })), "KMSInvalidStateException", KMSInvalidStateException);
    expect(e.message).toMatch(/external key manager/);
    await expectKmsError(client.send(new GenerateDataKeyCommand({ KeyId: one.keyId, KeySpec: "AES_256" })), "KMSInvalidStateException", KMSInvalidStateException);
  });

  it("row 17: a malformed encrypt answer, or a wrong CDIV → KMSInvalidStateException", async () => {
    await addFault(proxy, "ks", { type: "mutation", mutation: "wrong-cdiv", operation: "encrypt", times: 1 });
    await expectKmsError(client.send(new EncryptCommand({ KeyId: one.keyId, Plaintext: Buffer.from("x") })), "KMSInvalidStateException", KMSInvalidStateException);
    await addFault(proxy, "ks", { type: "malformed", body: "wrong-schema", operation: "encrypt", times: 1 });
    await expectKmsError(client.send(new EncryptCommand({ KeyId: one.keyId, Plaintext: Buffer.from("x") })), "KMSInvalidStateException", KMSInvalidStateException);
  });

  it("row 16: 250 ms per proxy call by default: a 400 ms encrypt is KMSInvalidStateException; with proxyTimeoutMs 1000 the same call succeeds", async () => {
    const budget = await startTestKms(KMS_BUDGET);
    const bc = sdkClient(budget);
    try {
      const slowKey = await connectedKey(bc, budget, proxy, { keystore: "ks", xksKeyId: "slow" });
      // The main test KMS runs with proxyTimeoutMs 1000.
      const { KeyMetadata } = await client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: storeId, XksKeyId: "slow" }));
      await addFault(proxy, "ks", { type: "latency", ms: 400, operation: "encrypt" });
      // The proxy would answer (successfully) after 400 ms: failing at all proves KMS gave up first.
      const e = await expectKmsError(bc.send(new EncryptCommand({ KeyId: slowKey.keyId, Plaintext: Buffer.from("x") })), "KMSInvalidStateException", KMSInvalidStateException);
      expect(e.message).toMatch(/did not respond .* within the timeout/);
      const ok = await client.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId!, Plaintext: Buffer.from("x") }));
      expect(ok.CiphertextBlob?.length).toBeGreaterThan(0);
    } finally {
      bc.destroy();
      await budget.stop();
    }
  });

  it("row 18: a DISCONNECTED store → KMSInvalidStateException for every key operation, without asking the proxy; it works again once connected", async () => {
    await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
    try {
      const before = proxyRecords(proxy).length;
      await expectKmsError(client.send(new EncryptCommand({ KeyId: one.keyId, Plaintext: Buffer.from("x") })), "KMSInvalidStateException", KMSInvalidStateException);
      const e = await expectKmsError(client.send(new DecryptCommand({ CiphertextBlob: sealed, EncryptionContext: ec })), "KMSInvalidStateException", KMSInvalidStateException);
      expect(e.message).toMatch(/not connected/);
      await expectKmsError(client.send(new GenerateDataKeyCommand({ KeyId: one.keyId, KeySpec: "AES_256" })), "KMSInvalidStateException", KMSInvalidStateException);
      expect(proxyRecords(proxy).length).toBe(before);
    } finally {
      expect(await connectStore(client, kms, storeId)).toMatchObject({ ConnectionState: "CONNECTED" });
    }
    const dec = await client.send(new DecryptCommand({ CiphertextBlob: sealed, EncryptionContext: ec }));
    expect(Buffer.from(dec.Plaintext!).toString()).toBe("sealed");
  });
});
