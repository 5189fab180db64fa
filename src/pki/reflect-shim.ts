/**
 * Minimal Reflect metadata polyfill, installed only when none is present.
 *
 * Why: `@peculiar/x509` uses tsyringe, which throws at load time unless
 * `Reflect.getMetadata` exists. The package `reflect-metadata` is the usual
 * fix; this covers exactly the three calls tsyringe makes (class-level
 * metadata only), so the dev PKI works without an extra dependency. Must be
 * imported before `@peculiar/x509`.
 *
 * @module
 */

type MetaStore = Map<unknown, unknown>;
type ReflectWithMetadata = typeof Reflect & {
  getMetadata?: (key: unknown, target: object) => unknown;
  getOwnMetadata?: (key: unknown, target: object) => unknown;
  defineMetadata?: (key: unknown, value: unknown, target: object) => void;
};

const R = Reflect as ReflectWithMetadata;

if (typeof R.getMetadata !== "function") {
  const stores = new WeakMap<object, MetaStore>();
  const getOwn = (key: unknown, target: object): unknown => stores.get(target)?.get(key);
  R.getOwnMetadata = getOwn;
  // Like reflect-metadata: own metadata first, then up the prototype chain.
  R.getMetadata = (key: unknown, target: object): unknown => {
    for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t)) {
      const store = stores.get(t);
      if (store?.has(key)) return store.get(key);
    }
    return undefined;
  };
  R.defineMetadata = (key: unknown, value: unknown, target: object): void => {
    let store = stores.get(target);
    if (!store) stores.set(target, (store = new Map()));
    store.set(key, value);
  };
}

export {};
