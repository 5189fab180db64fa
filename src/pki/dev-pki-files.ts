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
type DevPkiPaths = Record<DevPkiFile, string>;

/** Result of {@link ensureDevPki}. */
interface EnsureDevPkiResult {
  dir: string;
  /** False when a usable set already existed and nothing was written. */
  created: boolean;
  paths: DevPkiPaths;
  /** Files of the set that do not exist: only ever some of a server-only set (see {@link ensureDevPki}). */
  absent: DevPkiFile[];
}

/**
 * The certs directory holds some of the dev PKI but not a usable set: making a new PKI would replace a CA the
 * user may already trust (or have copied in on purpose), so nothing is written and the missing files are named.
 */
export class DevPkiIncompleteError extends Error {
  constructor(
    readonly dir: string,
    readonly missing: string[],
    present: string[],
  ) {
    super(
      `${dir} holds part of a dev PKI (${present.join(", ")}) but not ${missing.join(", ")}. Nothing was changed. ` +
        `Fix: add the missing file(s); or give just ${DEV_PKI_FILES.serverCert} and ${DEV_PKI_FILES.serverKey} (with ${DEV_PKI_FILES.caCert}, ` +
        `without ${DEV_PKI_FILES.caKey}); or remove the partial set (or run npm run certs -- --dir DIR --force) to have a new dev PKI made`,
    );
    this.name = "DevPkiIncompleteError";
  }
}

/** How long another process's lock is honoured before it is presumed dead. */
const STALE_LOCK_MS = 60_000;
const LOCK_POLL_MS = 50;

/** Absolute paths of every dev PKI file in `dir`. */
function devPkiPaths(dir: string): DevPkiPaths {
  const abs = resolve(dir);
  const entries = Object.entries(DEV_PKI_FILES).map(([k, f]) => [k, join(abs, f)]);
  return Object.fromEntries(entries) as DevPkiPaths;
}

/** The package's `certs/` folder. */
export function defaultCertsDir(): string {
  return join(packageRoot(), "certs");
}

const ALL_FILES = Object.keys(DEV_PKI_FILES) as DevPkiFile[];

function presentFiles(paths: DevPkiPaths): DevPkiFile[] {
  return ALL_FILES.filter((f) => existsSync(paths[f]));
}

/**
 * A server certificate and key without the CA key: nothing to mint, and nothing can be (the CA key is what
 * signs). This module never leaves such a set behind while writing (it writes the CA key second), so it is never
 * another process's half-written PKI.
 */
function isServerOnly(present: DevPkiFile[]): boolean {
  return present.includes("serverCert") && present.includes("serverKey") && !present.includes("caKey");
}

/** The set as found, if usable (complete, or server-only with whatever `need` asks for); else the files missing. */
function settled(abs: string, paths: DevPkiPaths, present: DevPkiFile[], need: readonly DevPkiFile[]): EnsureDevPkiResult {
  const absent = ALL_FILES.filter((f) => !present.includes(f));
  const missing = absent.length === 0 ? [] : isServerOnly(present) ? need.filter((f) => absent.includes(f)) : absent;
  if (missing.length > 0) throw new DevPkiIncompleteError(abs, missing.map((f) => DEV_PKI_FILES[f]), present.map((f) => DEV_PKI_FILES[f]));
  return { dir: abs, created: false, paths, absent };
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
 * Makes sure `dir` holds a usable dev PKI, and makes one only where there is none. A complete set is left
 * untouched (its CA may already be trusted by the user). A server certificate and key without the CA key are
 * used as they are (`absent` lists what they lack); `need` names files such a set must still have (the CA
 * certificate, to verify client certificates). Any other partial set throws {@link DevPkiIncompleteError}:
 * replacing it would swap the PKI under the user. `force` makes a new set of all six regardless.
 */
export async function ensureDevPki(dir: string, opts: { force?: boolean; need?: readonly DevPkiFile[] } = {}): Promise<EnsureDevPkiResult> {
  const abs = resolve(dir);
  const paths = devPkiPaths(abs);
  const need = opts.need ?? [];
  if (!opts.force) {
    const present = presentFiles(paths);
    // Judged without the lock: a complete or a server-only set is never another process's half-written PKI.
    if (present.length === ALL_FILES.length || isServerOnly(present)) return settled(abs, paths, present, need);
  }
  await mkdir(abs, { recursive: true });
  return withLock(abs, async () => {
    if (!opts.force) {
      // Another process may have finished while we waited for the lock; a partial set left now is refused.
      const present = presentFiles(paths);
      if (present.length > 0) return settled(abs, paths, present, need);
    }
    const files = contents(await generateDevPki());
    for (const key of ALL_FILES) {
      await writeAtomic(paths[key], files[key].data, files[key].mode);
    }
    return { dir: abs, created: true, paths, absent: [] };
  });
}
