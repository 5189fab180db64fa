/**
 * @module harness/common/proxy-config
 * `--proxy-config`: the JSON file the KMS console accepts and many proxies export (spec "KMS console proxy
 * configuration"): the path and the whole credential, secret included.
 */
import { z } from "zod";
import { describeIssues } from "../../src/xks/schemas.js";
import { readText } from "./read-files.js";
import { UsageError } from "./usage-error.js";

const ProxyConfigFile = z.object({
  XksProxyUriPath: z.string(),
  XksProxyAuthenticationCredential: z.object({ AccessKeyId: z.string(), RawSecretAccessKey: z.string() }),
});

export function readProxyConfig(file: string): z.infer<typeof ProxyConfigFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(readText(file, "--proxy-config"));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--proxy-config ${file} is not JSON`);
  }
  const parsed = ProxyConfigFile.safeParse(raw);
  if (!parsed.success) throw new UsageError(`--proxy-config ${file}: ${describeIssues(parsed.error)} (expected the KMS console format: XksProxyUriPath and XksProxyAuthenticationCredential {AccessKeyId, RawSecretAccessKey})`);
  return parsed.data;
}
