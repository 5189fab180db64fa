/**
 * @module proxy/admin-credential-use
 * When each credential last authenticated a request, shown by the admin API (GET /keystores). After a rotation
 * (UpdateCustomKeyStore with a new credential) KMS may sign with the old one for up to five minutes; once the
 * old access key id's time stops advancing, KMS has switched and the old credential can leave the config. Times
 * only, never a secret. Kept across reloads, since a rotation adds and later removes a credential by reloading.
 */
import type { ProxyRuntime } from "./runtime.js";

/** Entries at most: each is one configured credential, so only a long run of reloads with new ids gets near it. */
const MAX_ENTRIES = 10_000;

const keyOf = (keystore: string, accessKeyId: string) => `${keystore}\u0000${accessKeyId}`;

export class CredentialUse {
  /** Epoch ms of the last authenticated request, by keystore and access key id. */
  private readonly last = new Map<string, number>();

  /** Called by the SigV4 stage for every request it authenticated (O(1): it runs at KMS's full rate). */
  record(keystore: string, accessKeyId: string, at: Date): void {
    const key = keyOf(keystore, accessKeyId);
    // Re-inserted, so that the Map's first entry is always the one used longest ago: that one goes at the bound.
    this.last.delete(key);
    if (this.last.size >= MAX_ENTRIES) this.last.delete(this.last.keys().next().value!);
    this.last.set(key, at.getTime());
  }

  /** ISO 8601 UTC, or null when the credential has authenticated nothing since the mock started. */
  lastAuthenticatedAt(keystore: string, accessKeyId: string): string | null {
    const ms = this.last.get(keyOf(keystore, accessKeyId));
    return ms === undefined ? null : new Date(ms).toISOString();
  }

  /** Forgets credentials the configuration no longer holds. */
  prune(runtime: ProxyRuntime): void {
    const configured = new Set(runtime.keystores.flatMap((k) => [...k.secrets.keys()].map((id) => keyOf(k.name, id))));
    for (const key of this.last.keys()) if (!configured.has(key)) this.last.delete(key);
  }
}
