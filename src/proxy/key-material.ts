/**
 * @module proxy/key-material
 * Key material of the mock's keys: given in config, or derived from the keystore's seed with HKDF, so that
 * several replicas behind a load balancer (and restarts) agree with no shared state.
 */
import { hkdfSync } from "node:crypto";
import { XKS_LIMITS } from "../xks/index.js";

const SALT = "xks-mock key material v1";

export function deriveKeyMaterial(seed: string, keyId: string): Buffer {
  return Buffer.from(hkdfSync("sha256", seed, SALT, `key:${keyId}`, XKS_LIMITS.keyBytes));
}
