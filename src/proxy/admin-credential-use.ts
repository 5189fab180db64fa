/**
 * @module proxy/admin-credential-use
 * When each credential last authenticated a request, shown by the admin API (GET /keystores). After a rotation
 * (UpdateCustomKeyStore with a new credential) KMS may sign with the old one for up to five minutes; once the
 * old access key id's time stops advancing, KMS has switched and the old credential can leave the config. Times
 * only, never a secret. Kept across reloads, since a rotation adds and later removes a credential by reloading.
 */
import type { ProxyRuntime } from "./runtime.js";

export class CredentialUse {
  /**
   * Epoch ms of the last authenticated request, by keystore, then access key id. Only configured credentials
   * authenticate, and `prune` drops those a reload removed, so this never holds more than the configuration does.
   */
  private readonly last = new Map<string, Map<string, number>>();

  /** Called by the SigV4 stage for every request it authenticated (two Map look-ups: it runs at KMS's full rate). */
  record(keystore: string, accessKeyId: string, at: Date): void {
    let ids = this.last.get(keystore);
    if (ids === undefined) this.last.set(keystore, (ids = new Map()));
    ids.set(accessKeyId, at.getTime());
  }

  /** ISO 8601 UTC, or null when the credential has authenticated nothing since the mock started. */
  lastAuthenticatedAt(keystore: string, accessKeyId: string): string | null {
    const ms = this.last.get(keystore)?.get(accessKeyId);
    return ms === undefined ? null : new Date(ms).toISOString();
  }

  /** Forgets keystores and credentials the configuration no longer holds. */
  prune(runtime: ProxyRuntime): void {
    const configured = new Map(runtime.keystores.map((k) => [k.name, k.secrets] as const));
    for (const [keystore, ids] of this.last) {
      const secrets = configured.get(keystore);
      if (secrets === undefined) this.last.delete(keystore);
      else for (const id of ids.keys()) if (!secrets.has(id)) ids.delete(id);
    }
  }
}
