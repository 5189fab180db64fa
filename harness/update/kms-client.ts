/**
 * @module harness/update/kms-client
 * The KMS client `update` uses: the standard AWS credential chain (with --profile), or the local KMS. A loopback
 * --kms-endpoint with no credentials configured gets placeholder ones: the local KMS accepts any
 * (harness/common/aws-credentials.ts, which also refuses an unknown --profile).
 */
import { KMSClient } from "@aws-sdk/client-kms";
import { awsClientConfig } from "../common/aws-credentials.js";

export interface KmsClientOptions {
  region: string;
  endpoint?: string | undefined;
  profile?: string | undefined;
}

export function createKmsClient(o: KmsClientOptions, env: NodeJS.ProcessEnv): KMSClient {
  return new KMSClient(awsClientConfig(o, env));
}
