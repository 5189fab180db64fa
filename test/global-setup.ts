/**
 * Before any worker starts: builds the sources (`tsc -p tsconfig.json`), so the tests that run `dist/` in a child
 * process always run the current sources, never a stale build; then makes one dev PKI for the whole run, so test
 * files never race to create it. The build is incremental (tsconfig.json's tsBuildInfoFile): cheap when nothing
 * changed. A build failure fails the run with tsc's output. tsc never deletes what a moved or removed source left
 * in dist/, so those outputs are removed too: a test that runs an old path fails instead of running old code.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { ensureDevPki } from "../src/pki/dev-pki-files.js";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

function build(): void {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new Error(`tsc -p tsconfig.json failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
}

/** Removes each .js (and .js.map) under dist/ whose source .ts is gone. */
function pruneStaleOutputs(): void {
  const dist = join(ROOT, "dist");
  for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
    const match = /^(.*)\.js(\.map)?$/.exec(entry.name);
    if (!entry.isFile() || !match) continue;
    const out = join(entry.parentPath, entry.name);
    const source = join(ROOT, relative(dist, entry.parentPath), `${match[1]}.ts`);
    if (!existsSync(source)) rmSync(out);
  }
}

export default async function setup(project: TestProject) {
  build();
  pruneStaleOutputs();
  const dir = mkdtempSync(join(tmpdir(), "xks-test-pki-"));
  await ensureDevPki(dir);
  project.provide("pkiDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    pkiDir: string;
  }
}
