#!/usr/bin/env node
/**
 * `npm run certs [-- --dir DIR] [-- --force]`: creates the dev PKI ahead of
 * time (the proxy also creates it on first start). Prints file paths only,
 * never key material, so the output is safe to paste into logs and issues.
 * Exit 0 on success, 1 if generation or writing fails, 2 on bad usage.
 *
 * @module bin/dev-pki
 */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { defaultCertsDir } from "../pki/certs-dir.js";
import { ensureDevPki } from "../pki/dev-pki-files.js";

const USAGE = "usage: npm run certs -- [--dir DIR] [--force]\n";

/** Where the CLI writes; injectable so tests need not capture process streams. */
interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  let values: { dir?: string; force?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        dir: { type: "string" },
        force: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    io.err(`certs: ${(err as Error).message}`);
    io.err(USAGE.trimEnd());
    return 2;
  }
  if (values.help) {
    io.out(USAGE.trimEnd());
    return 0;
  }
  try {
    const dir = values.dir !== undefined ? resolve(values.dir) : defaultCertsDir();
    const result = await ensureDevPki(dir, { force: values.force ?? false });
    if (!result.created) {
      io.out(`dev PKI already present in ${result.dir} (use --force to regenerate)`);
      return 0;
    }
    io.out(`dev PKI written to ${result.dir}:`);
    for (const path of Object.values(result.paths)) io.out(`  ${path}`);
    io.out(`trust the CA with e.g. curl --cacert ${result.paths.caCert}`);
    return 0;
  } catch (err) {
    io.err(`certs: ${(err as Error).message}`);
    return 1;
  }
}

/** True when this file is the process entry point rather than an import (e.g. from tests). */
function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) process.exitCode = await runCli(process.argv.slice(2));
