/**
 * Persists the dev PKI to a directory (see pki/certs-dir for which), so the proxy, the CLI and tests share one CA
 * that users can trust once. The CA is kept; leaves close to expiry are reissued from it.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { randomBytes, X509Certificate } from "node:crypto";
import { join, resolve } from "node:path";
import { CertsDirError } from "./certs-dir.js";
import { DEFAULT_CLIENT_SUBJECT, DEFAULT_SERVER_NAMES, generateDevPki, generateLeaf, type DevPki } from "./dev-pki.js";

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
  /** Leaves reissued from the dev CA because they had expired or were about to (see {@link RENEW_WITHIN_DAYS}). */
  renewed: RenewedLeaf[];
}

/** A leaf reissued by {@link ensureDevPki}: which file, and when the old one expired or would have. */
export interface RenewedLeaf {
  file: string;
  oldNotAfter: string;
  newNotAfter: string;
}

/** A dev leaf that expires within this many days is reissued at start: a running mock never serves an expired one. */
export const RENEW_WITHIN_DAYS = 30;
const DAY_MS = 86_400_000;

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
  return { dir: abs, created: false, paths, absent, renewed: [] };
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
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new CertsDirError(dir, "write the dev PKI", err);
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
 * Makes sure `dir` holds a usable dev PKI, and makes one only where there is none. A complete set keeps its CA
 * (the user may already trust it); only a leaf that has expired or expires within RENEW_WITHIN_DAYS is reissued
 * from it (`renewed` says which). A server certificate and key without the CA key are
 * used as they are (`absent` lists what they lack); `need` names files such a set must still have (the CA
 * certificate, to verify client certificates). Any other partial set throws {@link DevPkiIncompleteError}:
 * replacing it would swap the PKI under the user. `force` makes a new set of all six regardless.
 */
export async function ensureDevPki(dir: string, opts: EnsureDevPkiOptions = {}): Promise<EnsureDevPkiResult> {
  const abs = resolve(dir);
  const paths = devPkiPaths(abs);
  const need = opts.need ?? [];
  const now = opts.now ?? new Date();
  if (!opts.force) {
    const present = presentFiles(paths);
    // Judged without the lock: a complete or a server-only set is never another process's half-written PKI.
    if (present.length === ALL_FILES.length || isServerOnly(present)) {
      const found = settled(abs, paths, present, need);
      if (present.length < ALL_FILES.length || dueLeaves(paths, now).length === 0) return found;
    }
  }
  await inDir(abs, "create the dev PKI directory", () => mkdir(abs, { recursive: true }));
  return withLock(abs, async () => {
    if (!opts.force) {
      // Another process may have finished while we waited for the lock; a partial set left now is refused.
      const present = presentFiles(paths);
      if (present.length > 0) {
        const found = settled(abs, paths, present, need);
        return present.length < ALL_FILES.length ? found : { ...found, renewed: await renewLeaves(paths, now) };
      }
    }
    const files = contents(await generateDevPki());
    for (const key of ALL_FILES) {
      await inDir(abs, "write the dev PKI", () => writeAtomic(paths[key], files[key].data, files[key].mode));
    }
    return { dir: abs, created: true, paths, absent: [], renewed: [] };
  });
}

interface EnsureDevPkiOptions {
  /** Make a new set of all six files regardless of what is there. */
  force?: boolean;
  /** Files a server-only set must still have. */
  need?: readonly DevPkiFile[];
  /** @default new Date() */
  now?: Date;
}

/** Runs a file-system step in `dir`; any failure becomes a {@link CertsDirError} naming the directory. */
async function inDir<T>(dir: string, doing: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw new CertsDirError(dir, doing, err);
  }
}

/** The two leaves of a complete set, and what a reissued one is made as (the names generateDevPki gives). */
const LEAVES: readonly { cert: DevPkiFile; key: DevPkiFile; leaf: Parameters<typeof generateLeaf>[1] }[] = [
  { cert: "serverCert", key: "serverKey", leaf: { subject: "localhost", serverNames: [...DEFAULT_SERVER_NAMES] } },
  { cert: "clientCert", key: "clientKey", leaf: { subject: DEFAULT_CLIENT_SUBJECT, clientAuth: true } },
];

function notAfter(file: string): Date {
  return new Date(new X509Certificate(readFileSync(file)).validTo);
}

/** The leaves that have expired or expire within RENEW_WITHIN_DAYS of `now`. */
function dueLeaves(paths: DevPkiPaths, now: Date): typeof LEAVES {
  return LEAVES.filter((l) => notAfter(paths[l.cert]).getTime() - now.getTime() < RENEW_WITHIN_DAYS * DAY_MS);
}

/** Reissues the due leaves from the dev CA (the CA itself is kept: whoever trusts it keeps working). */
async function renewLeaves(paths: DevPkiPaths, now: Date): Promise<RenewedLeaf[]> {
  const due = dueLeaves(paths, now);
  if (due.length === 0) return [];
  const ca = { cert: readFileSync(paths.caCert, "utf8"), key: readFileSync(paths.caKey, "utf8") };
  const renewed: RenewedLeaf[] = [];
  for (const l of due) {
    const oldNotAfter = notAfter(paths[l.cert]).toISOString();
    const pem = await generateLeaf(ca, l.leaf);
    const dir = resolve(paths[l.cert], "..");
    // Key first: a reader that sees the new certificate with the old key would fail the handshake, not the reverse.
    await inDir(dir, "renew the dev PKI", () => writeAtomic(paths[l.key], pem.key, 0o600));
    await inDir(dir, "renew the dev PKI", () => writeAtomic(paths[l.cert], pem.cert, 0o644));
    renewed.push({ file: paths[l.cert], oldNotAfter, newNotAfter: notAfter(paths[l.cert]).toISOString() });
  }
  return renewed;
}
