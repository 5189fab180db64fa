/**
 * @module proxy/admin-token
 * The admin API's bearer token: XKS_MOCK_ADMIN_TOKEN when set, else a fresh random one per start written
 * owner-only to <certs-dir>/admin-token, where local tools (and the person at the keyboard) can read it.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "./load-config.js";
import { errorWords, libraryText } from "../error-words.js";

const ADMIN_TOKEN_ENV = "XKS_MOCK_ADMIN_TOKEN";
const ADMIN_TOKEN_FILE = "admin-token";

/** A Bearer token's characters (RFC 6750 b64token), long enough not to be guessed. */
const TOKEN_PATTERN = /^[A-Za-z0-9\-._~+/]{16,512}=*$/;

interface AdminToken {
  token: string;
  /** Where a generated token was written; absent when it came from the caller or the environment. */
  file?: string | undefined;
}

function checkAdminToken(token: string, source: string): string {
  if (!TOKEN_PATTERN.test(token)) {
    throw new ConfigError(`${source}: must be 16-512 characters of A-Z a-z 0-9 - . _ ~ + / (a Bearer token). Fix: e.g. ${ADMIN_TOKEN_ENV}=$(openssl rand -hex 32)`);
  }
  return token;
}

/** Writes the token readable by its owner only, atomically: a reader never sees half of it, nor an older mode. */
function writeOwnerOnly(dir: string, token: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, ADMIN_TOKEN_FILE);
  const tmp = join(dir, `.${ADMIN_TOKEN_FILE}.${process.pid}.${randomBytes(4).toString("hex")}`);
  try {
    writeFileSync(tmp, `${token}\n`, { mode: 0o600, flag: "wx" });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    const why = errorWords(err, { file, access: "write" })?.cause ?? libraryText(err);
    throw new ConfigError(`cannot write the admin token to ${file}: ${why}. Fix: make the directory writable (--certs-dir), or set ${ADMIN_TOKEN_ENV}`);
  }
  return file;
}

export function resolveAdminToken(o: { token?: string | undefined; env: NodeJS.ProcessEnv; certsDir: string }): AdminToken {
  if (o.token !== undefined) return { token: checkAdminToken(o.token, "adminToken") };
  const fromEnv = o.env[ADMIN_TOKEN_ENV];
  if (fromEnv) return { token: checkAdminToken(fromEnv, ADMIN_TOKEN_ENV) };
  const token = randomBytes(32).toString("base64url");
  return { token, file: writeOwnerOnly(o.certsDir, token) };
}

/** Compares in constant time (both sides hashed to one length first, so not even the length leaks). */
export function tokenMatches(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}
