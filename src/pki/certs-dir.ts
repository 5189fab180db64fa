/**
 * @module pki/certs-dir
 * Where the dev PKI and the admin token files live. An installed package is no place for them: a global install
 * by root is not writable by the user who runs the mock, and every reinstall or upgrade would delete the CA the
 * user already trusts. So: `--certs-dir`, else XKS_MOCK_CERTS_DIR, else `certs/` of a git checkout of this project
 * (the developers' layout), else a per-user state directory (XDG Base Directory: $XDG_STATE_HOME/xks-harness, else
 * ~/.local/state/xks-harness) that outlives the package.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { packageRoot } from "../package-root.js";
import { errorWords, libraryText } from "../error-words.js";

export const CERTS_DIR_ENV = "XKS_MOCK_CERTS_DIR";
const STATE_DIR_NAME = "xks-harness";

/** How the certs directory was chosen: what the banner and messages can say about it. */
export type CertsDirSource = "flag" | "env" | "checkout" | "state";

export interface CertsDirChoice {
  dir: string;
  source: CertsDirSource;
}

export interface CertsDirInputs {
  /** `--certs-dir`, when given. */
  flag?: string | undefined;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** The package's folder. @default packageRoot() */
  root?: string;
  /** @default os.homedir() */
  home?: string;
}

/**
 * A git checkout has `.git` at its root (a directory, or a file in a worktree); npm never packs it, so an installed
 * package never has one.
 */
export function isCheckout(root: string): boolean {
  return existsSync(join(root, ".git")) && existsSync(join(root, "src"));
}

/** XDG: a relative $XDG_STATE_HOME is invalid and must be ignored. */
export function userStateDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env.XDG_STATE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, ".local", "state"), STATE_DIR_NAME);
}

export function chooseCertsDir(inputs: CertsDirInputs = {}): CertsDirChoice {
  if (inputs.flag) return { dir: resolve(inputs.flag), source: "flag" };
  const env = inputs.env ?? process.env;
  const fromEnv = env[CERTS_DIR_ENV];
  if (fromEnv) return { dir: resolve(fromEnv), source: "env" };
  const root = inputs.root ?? packageRoot();
  if (isCheckout(root)) return { dir: join(root, "certs"), source: "checkout" };
  return { dir: userStateDir(env, inputs.home), source: "state" };
}

/** The certs directory when no flag names one. */
export function defaultCertsDir(): string {
  return chooseCertsDir().dir;
}

/** Plain words for the errno codes a directory write meets. */
/**
 * The certs directory cannot be created or written (or read): the message names the directory, what was being
 * done, and the way out. Never an errno code alone: `xks-mock` would otherwise mistake EACCES for a listen error.
 */
export class CertsDirError extends Error {
  constructor(
    readonly dir: string,
    doing: string,
    cause: unknown,
  ) {
    const reason = errorWords(cause, { file: dir, access: "write" })?.cause ?? libraryText(cause);
    super(
      `cannot ${doing} in ${dir}: ${reason}. ` +
        `Fix: --certs-dir DIR (or ${CERTS_DIR_ENV}=DIR) naming a directory you can write, or make ${dir} writable`,
      { cause },
    );
    this.name = "CertsDirError";
  }
}
