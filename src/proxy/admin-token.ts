/**
 * @module proxy/admin-token
 * The admin API's bearer token: XKS_MOCK_ADMIN_TOKEN when set, else a fresh random one per start written
 * owner-only to <certs-dir>/admin-token.<admin port>, where local tools (and the person at the keyboard) can read
 * it. One file per admin port, written only once the admin API listens: a second mock on the same certs dir either
 * has a port of its own or fails to listen, and so can never replace a running mock's token. A clean stop removes it.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CertsDirError } from "../pki/certs-dir.js";
import { ConfigError } from "./load-config.js";

const ADMIN_TOKEN_ENV = "XKS_MOCK_ADMIN_TOKEN";
const ADMIN_TOKEN_FILE_PREFIX = "admin-token.";

/** The file of the token of the mock whose admin API listens on `port`. */
export function adminTokenFile(certsDir: string, port: number): string {
  return join(certsDir, `${ADMIN_TOKEN_FILE_PREFIX}${port}`);
}

/** A Bearer token's characters (RFC 6750 b64token), long enough not to be guessed. */
const TOKEN_PATTERN = /^[A-Za-z0-9\-._~+/]{16,512}=*$/;

interface AdminToken {
  token: string;
  /** True when made here (to be written to a file); false when it came from the caller or the environment. */
  generated: boolean;
}

function checkAdminToken(token: string, source: string): string {
  if (!TOKEN_PATTERN.test(token)) {
    throw new ConfigError(`${source}: must be 16-512 characters of A-Z a-z 0-9 - . _ ~ + / (a Bearer token). Fix: e.g. ${ADMIN_TOKEN_ENV}=$(openssl rand -hex 32)`);
  }
  return token;
}

/**
 * Writes a generated token readable by its owner only, atomically: a reader never sees half of it, nor an older
 * mode. Called once the admin API listens on `port`: a file already there is a dead mock's (it no longer holds the
 * port), so replacing it takes nothing from a live one.
 */
export function writeAdminTokenFile(certsDir: string, port: number, token: string): string {
  const file = adminTokenFile(certsDir, port);
  const tmp = join(certsDir, `.${ADMIN_TOKEN_FILE_PREFIX}${port}.${process.pid}.${randomBytes(4).toString("hex")}`);
  try {
    mkdirSync(certsDir, { recursive: true });
    writeFileSync(tmp, `${token}\n`, { mode: 0o600, flag: "wx" });
    renameSync(tmp, file);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The directory itself is the problem (e.g. not a directory): there is no temp file to remove.
    }
    throw new CertsDirError(certsDir, `write the admin token (or set ${ADMIN_TOKEN_ENV})`, err);
  }
  return file;
}

/** Removes the token file at a clean stop, unless it no longer holds this mock's token (then it is not ours). */
export function removeAdminTokenFile(file: string, token: string): void {
  try {
    if (readFileSync(file, "utf8").trim() === token) rmSync(file, { force: true });
  } catch {
    // Already gone, or unreadable: nothing of ours to remove.
  }
}

export function resolveAdminToken(o: { token?: string | undefined; env: NodeJS.ProcessEnv }): AdminToken {
  if (o.token !== undefined) return { token: checkAdminToken(o.token, "adminToken"), generated: false };
  const fromEnv = o.env[ADMIN_TOKEN_ENV];
  if (fromEnv) return { token: checkAdminToken(fromEnv, ADMIN_TOKEN_ENV), generated: false };
  return { token: randomBytes(32).toString("base64url"), generated: true };
}

/** Compares in constant time (both sides hashed to one length first, so not even the length leaks). */
export function tokenMatches(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}
