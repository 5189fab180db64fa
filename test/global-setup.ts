/**
 * Makes one dev PKI for the whole test run before any worker starts, so test files never race to create it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ensureDevPki } from "../src/pki/dev-pki-files.js";

export default async function setup(project: TestProject) {
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
