/**
 * The one precedence of the connection settings, as `update` uses it (every field may be missing: unset ones stay
 * as they are) and as check, snapshot and conformance use it (all required). check's own cases, with the current
 * settings, are in harness/check/options.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveSettings, SECRET_ENV, settingsGiven } from "./settings.js";
import { UsageError } from "./usage-error.js";

const FILE_SECRET = "FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE";
const ENV_SECRET = "EnvSecretEnvSecretEnvSecretEnvSecretEnvSecret";
const CONSOLE_FILE = {
  XksProxyUriPath: "/keystores/a/kms/xks/v1",
  XksProxyAuthenticationCredential: { AccessKeyId: "AKIAI2SFODNN7EXAMPLE", RawSecretAccessKey: FILE_SECRET },
};

let dir: string;
let proxyConfig: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "xks-common-settings-"));
  proxyConfig = join(dir, "console.json");
  writeFileSync(proxyConfig, JSON.stringify(CONSOLE_FILE));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("settingsGiven", () => {
  it("gives nothing for nothing: update keeps every unset field", () => {
    expect(settingsGiven({}, {})).toEqual({ endpoint: undefined, path: undefined, accessKeyId: undefined, secretAccessKey: undefined });
  });

  it("takes the path and credential from --proxy-config, the endpoint from --endpoint only", () => {
    expect(settingsGiven({ proxyConfig }, {})).toEqual({ endpoint: undefined, path: CONSOLE_FILE.XksProxyUriPath, accessKeyId: "AKIAI2SFODNN7EXAMPLE", secretAccessKey: FILE_SECRET });
  });

  it("lets a flag override one field of the file, and the environment's secret override the file's", () => {
    const given = settingsGiven({ proxyConfig, path: "/other/kms/xks/v1" }, { [SECRET_ENV]: ENV_SECRET });
    expect(given).toEqual({ endpoint: undefined, path: "/other/kms/xks/v1", accessKeyId: "AKIAI2SFODNN7EXAMPLE", secretAccessKey: ENV_SECRET });
  });

  it("takes --secret-file over the environment (a trailing newline is not part of the secret)", () => {
    const secretFile = join(dir, "secret");
    writeFileSync(secretFile, "FromTheSecretFileFromTheSecretFileFromTheSe\n");
    expect(settingsGiven({ proxyConfig, secretFile }, { [SECRET_ENV]: ENV_SECRET }).secretAccessKey).toBe("FromTheSecretFileFromTheSecretFileFromTheSe");
  });
});

describe("resolveSettings", () => {
  it("names every missing part and where to give it", () => {
    const err = (() => {
      try {
        resolveSettings({}, {});
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(`missing --endpoint, --path (or --proxy-config), --access-key-id (or --proxy-config), the secret (${SECRET_ENV}, --secret-file or --proxy-config)`);
  });

  it("gives the whole settings", () => {
    expect(resolveSettings({ endpoint: "https://xks.example.com", proxyConfig }, {})).toEqual({ endpoint: "https://xks.example.com", path: CONSOLE_FILE.XksProxyUriPath, accessKeyId: "AKIAI2SFODNN7EXAMPLE", secretAccessKey: FILE_SECRET });
  });
});
