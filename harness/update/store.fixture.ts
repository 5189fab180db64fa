/**
 * @module harness/update/store.fixture
 * A store as DescribeCustomKeyStores shows it, and the wanted values that change nothing but resend the
 * credential: the starting point of the plan and aws-cli tests. Test-only.
 */
import type { StoreSnapshot, Wanted } from "./plan.js";

export const SECRET = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8=";

/** A CONNECTED public store named `name`. */
export function storeSnapshot(name: string): StoreSnapshot {
  return {
    id: "cks-0123456789abcdef0",
    name,
    state: "CONNECTED",
    endpoint: "https://xks.example.com",
    path: "/prod/kms/xks/v1",
    accessKeyId: "ABCDEFGHIJKLMNOPQRSTUVWX",
    connectivity: "PUBLIC_ENDPOINT",
  };
}

/** The store's current values, with the secret: a credential-only "change". */
export function unchanged(store: StoreSnapshot): Wanted {
  return { endpoint: store.endpoint, path: store.path, accessKeyId: store.accessKeyId, secretAccessKey: SECRET, connectivity: store.connectivity };
}
