/**
 * Persists the dev PKI to a directory (by default the package's `certs/`), so
 * the proxy, the CLI and tests share one CA that users can trust once.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { packageRoot } from "../package-root.js";
import { chmod, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { generateDevPki, type DevPki } from "./dev-pki.js";

/** File names inside the certs directory; stable because docs and curl examples use them. */
export const DEV_PKI_FILES = {
  caCert: "ca.pem",
  caKey: "ca.key.pem",
  serverCert: "server.pem",
  serverKey: "server.key.pem",
  clientCert: "client.pem",
  clientKey: "client.key.pem",
} as const;

/** Keys of {@link DEV_PKI_FILES}. */
export type DevPkiFile = keyof typeof DEV_PKI_FILES;

/** Absolute path of each dev PKI file. */
export type DevPkiPaths = Record<DevPkiFile, string>;

/** Result of {@link ensureDevPki}. */
export interface EnsureDevPkiResult {
  dir: string;
  /** False when a complete set already existed and nothing was written. */
  created: boolean;
  paths: DevPkiPaths;
}

/** How long another process's lock is honoured before it is presumed dead. */
const STALE_LOCK_MS = 60_000;
const LOCK_POLL_MS = 50;

/** Absolute paths of every dev PKI file in `dir`. */
export function devPkiPaths(dir: string): DevPkiPaths {
  const abs = resolve(dir);
  const entries = Object.entries(DEV_PKI_FILES).map(([k, f]) => [k, join(abs, f)]);
  return Object.fromEntries(entries) as DevPkiPaths;
}

/** The package's `certs/` folder. */
export function defaultCertsDir(): string {
  return join(packageRoot(), "certs");
}

function allExist(paths: DevPkiPaths): boolean {
  return Object.values(paths).every((p) => existsSync(p));
}

/** Private keys are owner-only; certificates are public. */
function contents(pki: DevPki): Record<DevPkiFile, { data: string; mode: number }> {
  return {
    caCert: { data: pki.ca.cert, mode: 0o644 },
    caKey: { data: pki.ca.key, mode: 0o600 },
    serverCert: { data: pki.server.cert, mode: 0o644 },
    serverKey: { data: pki.server.key, mode: 0o600 },
    clientCert: { data: pki.client.cert, mode: 0o644 },
    clientKey: { data: pki.client.key, mode: 0o600 },
  };
}

/**
 * Writes via a temp file + rename so a reader never sees a half-written PEM.
 * The key is created 0600 from the start (never briefly world-readable); the
 * chmod covers a umask that would strip bits from certificates.
 */
async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, data, { mode, flag: "wx" });
    await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Cross-process mutex via atomic `mkdir`, so two processes creating the PKI
 * at once (e.g. two proxies on first start) cannot end up with a server cert
 * from one run and a CA from the other. A lock older than STALE_LOCK_MS is
 * taken to be left by a crashed process and removed.
 */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, ".dev-pki.lock");
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Makes sure `dir` holds a complete dev PKI. An existing complete set is left
 * untouched (its CA may already be trusted by the user); a partial set, or
 * `force`, regenerates all six files so cert and key always match.
 */
export async function ensureDevPki(dir: string, opts: { force?: boolean } = {}): Promise<EnsureDevPkiResult> {
  const abs = resolve(dir);
  const paths = devPkiPaths(abs);
  if (!opts.force && allExist(paths)) return { dir: abs, created: false, paths };
  await mkdir(abs, { recursive: true });
  return withLock(abs, async () => {
    // Another process may have finished while we waited for the lock.
    if (!opts.force && allExist(paths)) return { dir: abs, created: false, paths };
    const files = contents(await generateDevPki());
    for (const key of Object.keys(files) as DevPkiFile[]) {
      await writeAtomic(paths[key], files[key].data, files[key].mode);
    }
    return { dir: abs, created: true, paths };
  });
}
