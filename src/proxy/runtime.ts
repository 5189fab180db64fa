/**
 * @module proxy/runtime
 * The immutable snapshot a request is served from. A reload builds a new snapshot and swaps it in; a request
 * already in flight keeps the one it started with, so rotation never drops it.
 */
import { XKS_API_SUFFIX, decodeBase64 } from "../xks/index.js";
import type { ProxyConfig, KeyConfig, KeystoreConfig } from "./config-schema.js";
import { deriveKeyMaterial } from "./key-material.js";

export interface RuntimeKey {
  id: string;
  usage: ReadonlySet<string>;
  status: KeyConfig["status"];
  material: Buffer;
  allowedPrincipals?: readonly string[] | undefined;
  allowedOperations?: readonly string[] | undefined;
}

export interface RuntimeKeystore {
  name: string;
  /** prefix + /kms/xks/v1 */
  basePath: string;
  secrets: ReadonlyMap<string, string>;
  regions?: readonly string[] | undefined;
  keys: ReadonlyMap<string, RuntimeKey>;
  ciphertextMetadata?: Buffer | undefined;
  health: KeystoreConfig["health"];
}

export interface ProxyRuntime {
  /** Longest base path first, so a nested prefix wins over its parent. */
  keystores: readonly RuntimeKeystore[];
  limits: ProxyConfig["limits"];
}

export function buildRuntime(config: ProxyConfig): ProxyRuntime {
  const keystores = config.keystores.map(
    (k): RuntimeKeystore => ({
      name: k.name,
      basePath: `${k.pathPrefix}${XKS_API_SUFFIX}`,
      secrets: new Map(k.credentials.map((c) => [c.accessKeyId, c.secretAccessKey])),
      regions: k.regions,
      ciphertextMetadata: k.ciphertextMetadata ? decodeBase64(k.ciphertextMetadata) : undefined,
      health: k.health,
      keys: new Map(
        k.keys.map((key) => [
          key.id,
          {
            id: key.id,
            usage: new Set(key.usage),
            status: key.status,
            material: key.material ? decodeBase64(key.material)! : deriveKeyMaterial(k.keySeed, key.id),
            allowedPrincipals: key.allowedPrincipals,
            allowedOperations: key.allowedOperations,
          },
        ]),
      ),
    }),
  );
  keystores.sort((a, b) => b.basePath.length - a.basePath.length);
  return { keystores, limits: config.limits };
}
