/**
 * @module harness/update/kms-client
 * The KMS client `update` uses: the standard AWS credential chain (with --profile), or the local KMS. A loopback
 * --kms-endpoint with no credentials configured gets placeholder ones: the local KMS accepts any.
 */
import { KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";

export interface KmsClientOptions {
  region: string;
  endpoint?: string | undefined;
  profile?: string | undefined;
}

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === "localhost" || host === "[::1]" || /^127\./.test(host);
}

export function createKmsClient(o: KmsClientOptions, env: NodeJS.ProcessEnv): KMSClient {
  const config: KMSClientConfig = { region: o.region, maxAttempts: 2 };
  if (o.endpoint) config.endpoint = o.endpoint;
  if (o.profile) config.profile = o.profile;
  const hasCredentials = !!(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || o.profile || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI);
  if (o.endpoint && isLoopback(o.endpoint) && !hasCredentials) config.credentials = { accessKeyId: "local", secretAccessKey: "local" };
  return new KMSClient(config);
}
