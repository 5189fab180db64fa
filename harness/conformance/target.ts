/**
 * @module harness/conformance/target
 * The flags of `conformance` → the target of the suite: settings, keys, credentials, trust anchors. Bad input is a
 * UsageError (exit 2) before the first packet.
 */
import { parseEndpoint } from "../common/endpoint.js";
import { readCaFiles, readClientCertificate, readText } from "../common/read-files.js";
import { resolveSettings } from "../common/settings.js";
import { UsageError } from "../common/usage-error.js";
import type { ConformanceFlags } from "./flags.js";
import type { ConformanceTarget } from "./types.js";

const SECOND_SECRET_ENV = "XKS_SECOND_SECRET_ACCESS_KEY";

function pair(a: string | undefined, b: string | undefined, flags: string): { cert: string; key: string } | undefined {
  if (!a && !b) return undefined;
  if (!a || !b) throw new UsageError(`${flags} go together`);
  return { cert: readText(a, flags), key: readText(b, flags) };
}

/** The target of the suite; endpointOverride stands in for --endpoint (with --image, until the container is up). */
export function toTarget(f: ConformanceFlags, env: NodeJS.ProcessEnv, endpointOverride?: string): ConformanceTarget {
  const settings = resolveSettings({ ...f, endpoint: endpointOverride ?? f.endpoint }, env);
  if (!parseEndpoint(settings.endpoint)) throw new UsageError(`--endpoint ${settings.endpoint} is not an https:// URL`);
  if (f.keyId.length !== 1) throw new UsageError("give exactly one --key-id: a key with ENCRYPT and DECRYPT");
  let secondCredential: ConformanceTarget["secondCredential"];
  if (f.secondAccessKeyId) {
    const secret = env[SECOND_SECRET_ENV];
    if (!secret) throw new UsageError(`--second-access-key-id needs its secret in ${SECOND_SECRET_ENV}`);
    secondCredential = { accessKeyId: f.secondAccessKeyId, secretAccessKey: secret };
  }
  return {
    settings,
    region: f.region,
    keyId: f.keyId[0]!,
    encryptOnlyKeyId: f.encryptOnlyKeyId,
    decryptOnlyKeyId: f.decryptOnlyKeyId,
    impotentKeyId: f.impotentKeyId,
    disabledKeyId: f.disabledKeyId,
    secondCredential,
    extraCa: readCaFiles(f.ca),
    clientCert: readClientCertificate(f.clientCert, f.clientKey),
    clientCa: pair(f.clientCaCert, f.clientCaKey, "--client-ca-cert and --client-ca-key"),
    timeoutMs: f.timeoutMs,
  };
}

