/**
 * The one way this project imports `@peculiar/x509`: guarantees the Reflect
 * metadata polyfill (reflect-metadata, which the library's tsyringe needs) is loaded first (the library throws at load time otherwise) and
 * that it signs with Node's WebCrypto. Import `x509` from here, never from
 * the package directly.
 *
 * @module
 */
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

// The library defaults to `globalThis.crypto`; setting Node's webcrypto
// explicitly keeps it working regardless of how globals are set up.
x509.cryptoProvider.set(webcrypto);

export { x509 };
