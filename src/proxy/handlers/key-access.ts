/**
 * @module proxy/handlers/key-access
 * The steps every per-key API shares, in the reference proxy's order (docs/spec-notes.md, "Check order inside an operation"): key lookup (404), secondary
 * authorization (403), then key state (400).
 */
import { XksError } from "../../xks/index.js";
import type { RoutedContext } from "../request-context.js";
import type { RuntimeKey, RuntimeKeystore } from "../runtime.js";

interface CallerMetadata {
  awsPrincipalArn: string;
  kmsOperation: string;
}

export function findKey(keystore: RuntimeKeystore, keyId: string): RuntimeKey {
  const key = keystore.keys.get(keyId);
  if (!key) throw new XksError("KeyNotFoundException", `external key ${keyId.slice(0, 128)} does not exist in this key store`);
  return key;
}

/** Secondary authorization (spec "Authorization"); never applied to GetHealthStatus. */
export function authorize(key: RuntimeKey, caller: CallerMetadata): void {
  if (key.allowedPrincipals && !key.allowedPrincipals.includes(caller.awsPrincipalArn)) {
    throw new XksError("AccessDeniedException", `key ${key.id}: awsPrincipalArn is not in allowedPrincipals`);
  }
  if (key.allowedOperations && !key.allowedOperations.includes(caller.kmsOperation)) {
    throw new XksError("AccessDeniedException", `key ${key.id}: kmsOperation ${caller.kmsOperation.slice(0, 64)} is not in allowedOperations`);
  }
}

function requireEnabled(key: RuntimeKey): void {
  if (key.status !== "ENABLED") throw new XksError("InvalidStateException", `key ${key.id} is ${key.status}`);
}

export function requireUsage(key: RuntimeKey, usage: "ENCRYPT" | "DECRYPT"): void {
  if (!key.usage.has(usage)) throw new XksError("InvalidKeyUsageException", `key ${key.id} does not allow ${usage}`);
}

/** Inputs above what this mock supports (but at or above the spec's minimums) get 501 (docs/spec-notes.md, "Oversized inputs"). */
function requireAtMost(what: string, bytes: number, max: number): void {
  if (bytes > max) throw new XksError("UnsupportedOperationException", `${what} is ${bytes} bytes; this proxy supports at most ${max}`);
}

/**
 * The shared preamble of encrypt and decrypt, in the reference proxy's order: key (404), secondary authorization
 * (403), size limits (501), key state (400), key usage (400).
 */
export function keyForCrypto(ctx: RoutedContext, caller: CallerMetadata, sizes: { dataName: string; data: Uint8Array; aad: Uint8Array | undefined }, usage: "ENCRYPT" | "DECRYPT"): RuntimeKey {
  const key = findKey(ctx.route.keystore, ctx.route.keyId!);
  authorize(key, caller);
  const { limits } = ctx.runtime;
  requireAtMost(sizes.dataName, sizes.data.length, limits.maxPlaintextBytes);
  requireAtMost("additionalAuthenticatedData", sizes.aad?.length ?? 0, limits.maxAadBytes);
  requireEnabled(key);
  requireUsage(key, usage);
  return key;
}
