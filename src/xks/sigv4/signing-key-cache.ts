/**
 * @module xks/sigv4/signing-key-cache
 * SigV4 signing keys, remembered. A key depends only on (secret, scope day, region, service), so a proxy
 * answering thousands of requests a second under one credential derives it once a day instead of four HMACs
 * per request. Bounded: when full it starts over, so a stream of new scopes cannot grow it.
 */
import { signingKey } from "./canonical-request.js";

/** Two credentials (rotation) × a few regions × today and yesterday fit many times over. */
const DEFAULT_MAX_ENTRIES = 256;

export class SigningKeyCache {
  readonly #keys = new Map<string, Buffer>();
  readonly #maxEntries: number;

  constructor(maxEntries = DEFAULT_MAX_ENTRIES) {
    this.#maxEntries = maxEntries;
  }

  get(secret: string, scopeDate: string, region: string, service: string): Buffer {
    // NUL cannot appear in any of the parts (they come from the Authorization header's printable grammar).
    const id = `${secret}\0${scopeDate}\0${region}\0${service}`;
    let key = this.#keys.get(id);
    if (key === undefined) {
      if (this.#keys.size >= this.#maxEntries) this.#keys.clear();
      key = signingKey(secret, scopeDate, region, service);
      this.#keys.set(id, key);
    }
    return key;
  }

  get size(): number {
    return this.#keys.size;
  }
}
