/**
 * @module kms/demo-store
 * What `npm start` pre-wires, through the real AWS SDK against the local KMS: a connected custom key store
 * `xks-demo` on the mock proxy and a KMS key `alias/xks-demo` bound to the external key `foo`, so
 * `aws kms encrypt --endpoint-url http://127.0.0.1:4599 --key-id alias/xks-demo ...` works at once.
 */
import {
  ConnectCustomKeyStoreCommand,
  CreateAliasCommand,
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  DescribeCustomKeyStoresCommand,
  KMSClient,
  ListAliasesCommand,
} from "@aws-sdk/client-kms";
import type { StartedLocalKms } from "./start-local-kms.js";

export const DEMO_STORE_NAME = "xks-demo";
export const DEMO_ALIAS = "alias/xks-demo";
/** The same, reached through a VPC endpoint service of the local cloud (XksProxyConnectivity VPC_ENDPOINT_SERVICE). */
export const DEMO_VPC_STORE_NAME = "xks-demo-vpc";
export const DEMO_VPC_ALIAS = "alias/xks-demo-vpc";

interface DemoStoreTarget {
  endpoint: string;
  path: string;
  accessKeyId: string;
  secretAccessKey: string;
  xksKeyId: string;
  region?: string;
  /** A VPC store through this endpoint service (the endpoint is then its private DNS name). @default a public store */
  vpcEndpointServiceName?: string;
  /** @default DEMO_STORE_NAME, or DEMO_VPC_STORE_NAME for a VPC store */
  name?: string;
  /** @default DEMO_ALIAS, or DEMO_VPC_ALIAS for a VPC store */
  alias?: string;
}

/** Idempotent: with a state file from an earlier start, what exists is reused. */
export async function ensureDemoStore(kms: StartedLocalKms, t: DemoStoreTarget): Promise<{ customKeyStoreId: string; keyId: string }> {
  const client = new KMSClient({ endpoint: kms.url, region: t.region ?? "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  const vpc = t.vpcEndpointServiceName !== undefined;
  const name = t.name ?? (vpc ? DEMO_VPC_STORE_NAME : DEMO_STORE_NAME);
  const aliasName = t.alias ?? (vpc ? DEMO_VPC_ALIAS : DEMO_ALIAS);
  try {
    const existing = kms.store.state.customKeyStores.find((s) => s.name === name);
    const customKeyStoreId =
      existing?.id ??
      (
        await client.send(
          new CreateCustomKeyStoreCommand({
            CustomKeyStoreName: name,
            CustomKeyStoreType: "EXTERNAL_KEY_STORE",
            XksProxyUriEndpoint: t.endpoint,
            XksProxyUriPath: t.path,
            XksProxyConnectivity: vpc ? "VPC_ENDPOINT_SERVICE" : "PUBLIC_ENDPOINT",
            ...(vpc ? { XksProxyVpcEndpointServiceName: t.vpcEndpointServiceName } : {}),
            XksProxyAuthenticationCredential: { AccessKeyId: t.accessKeyId, RawSecretAccessKey: t.secretAccessKey },
          }),
        )
      ).CustomKeyStoreId!;
    const state = (await client.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: customKeyStoreId }))).CustomKeyStores?.[0]?.ConnectionState;
    if (state === "DISCONNECTED") {
      await client.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: customKeyStoreId }));
      await kms.idle();
    }
    const aliases = await client.send(new ListAliasesCommand({}));
    const alias = aliases.Aliases?.find((a) => a.AliasName === aliasName);
    if (alias?.TargetKeyId) return { customKeyStoreId, keyId: alias.TargetKeyId };
    const key = await client.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: customKeyStoreId, XksKeyId: t.xksKeyId, Description: "xks-harness demo key" }));
    await client.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: key.KeyMetadata!.KeyId! }));
    return { customKeyStoreId, keyId: key.KeyMetadata!.KeyId! };
  } finally {
    client.destroy();
  }
}
