/**
 * @module package-version
 * The package's version, from its package.json, and what `xks-mock --version` and `xks-harness --version` print.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./package-root.js";
// Not through xks/index: that loads zod, and `--version` loads commander only (test/cli-start.test.ts).
import { XKS_API_VERSION } from "./xks/constants.js";

export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version?: unknown };
  return typeof manifest.version === "string" ? manifest.version : "unknown";
}

/**
 * `--version`'s line: the package version first (what scripts parse), then the Node version it runs on and the XKS
 * Proxy API it implements (what a bug report needs), e.g. `0.1.0 (Node v24.11.0; XKS Proxy API v1, spec 1.0.3)`.
 */
export function versionLine(): string {
  return `${packageVersion()} (Node ${process.version}; XKS Proxy API v1, spec ${XKS_API_VERSION})`;
}
