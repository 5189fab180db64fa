/**
 * `--kms-config`'s local KMS setting: healthCheckIntervalSeconds beside the endpoint services, bounded, and a bad
 * value refused naming the flag, the field and its rule (xks-mock exits 2 with it before anything listens).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalCloudConfigError, readLocalCloudConfig } from "./local-cloud-config.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "xks-local-cloud-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

describe("readLocalCloudConfig: healthCheckIntervalSeconds", () => {
  it("gives the interval in milliseconds, and the endpoint services without it", () => {
    expect(readLocalCloudConfig(write("ok.json", { endpointServices: [], healthCheckIntervalSeconds: 60 }))).toEqual({ endpointServices: { endpointServices: [] }, healthCheckIntervalMs: 60_000 });
    expect(readLocalCloudConfig(write("none.json", { endpointServices: [] }))).toEqual({ endpointServices: { endpointServices: [] } });
  });

  it.each([0, 1.5, "60", 86_401, null])("refuses %j, naming the flag, the field and its rule", (value) => {
    const file = write(`interval-${String(value)}.json`, { endpointServices: [], healthCheckIntervalSeconds: value });
    expect(() => readLocalCloudConfig(file)).toThrow(LocalCloudConfigError);
    expect(() => readLocalCloudConfig(file)).toThrow(/^--kms-config .*: healthCheckIntervalSeconds must be a whole number of seconds from 1 to 86400 .*Fix: /);
  });

  it("still refuses any other unknown field (the endpoint services' schema is strict)", () => {
    expect(() => readLocalCloudConfig(write("extra.json", { endpointServices: [], healthCheckIntervalMinutes: 3 }))).toThrow(/--kms-config .*healthCheckIntervalMinutes/);
  });

  it("refuses a file that is not an object", () => {
    expect(() => readLocalCloudConfig(write("array.json", []))).toThrow(/--kms-config .*: not a JSON object/);
  });
});
