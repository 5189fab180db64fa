/**
 * Flags, environment and the KMS console's proxy-configuration file → CheckOptions. Secrets come from the
 * environment or files only; what is missing or half-given is a UsageError (exit 2) that says what to supply.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pem } from "../../test/helpers/proxy-fixture.js";
import { CURRENT_SECRET_ENV, SECRET_ENV } from "../common/settings.js";
import { UsageError } from "../common/usage-error.js";
import { resolveCheckSettings, toCheckOptions, unusedCurrentSecretNote, type CheckFlags } from "./options.js";

const FILE_SECRET = "FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE";
const ENV_SECRET = "EnvSecretEnvSecretEnvSecretEnvSecretEnvSecret";
const SECRET_FILE_SECRET = "FileFlagSecretFileFlagSecretFileFlagSecret12";
const CONSOLE_FILE = {
  XksProxyUriPath: "/keystores/4a0d79d6-1d1b-49fd-9dbe-799cb9c0fb3f/kms/xks/v1",
  XksProxyAuthenticationCredential: { AccessKeyId: "AKIAI2SFODNN7EXAMPLE", RawSecretAccessKey: FILE_SECRET },
};

let dir: string;
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "xks-check-options-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function flags(over: Partial<CheckFlags> = {}): CheckFlags {
  return { region: "us-east-1", connectivity: "PUBLIC_ENDPOINT", keyId: [], ca: [], dev: false, timeoutMs: 3000, verbose: false, ...over };
}

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error("expected a UsageError");
}

describe("--proxy-config (the KMS console's JSON)", () => {
  it("supplies the path and the credential", () => {
    const proxyConfig = file("console.json", JSON.stringify(CONSOLE_FILE));
    expect(resolveCheckSettings(flags({ endpoint: "https://xks.example.com", proxyConfig }), {})).toEqual({
      settings: { endpoint: "https://xks.example.com", path: CONSOLE_FILE.XksProxyUriPath, accessKeyId: "AKIAI2SFODNN7EXAMPLE", secretAccessKey: FILE_SECRET },
    });
  });

  it("is overridden by --path, --access-key-id, the environment's secret and --secret-file", () => {
    const proxyConfig = file("console2.json", JSON.stringify(CONSOLE_FILE));
    const base = flags({ endpoint: "https://xks.example.com", proxyConfig, path: "/other/kms/xks/v1", accessKeyId: "OTHERACCESSKEYID2345" });
    expect(resolveCheckSettings(base, { [SECRET_ENV]: ENV_SECRET }).settings).toEqual({ endpoint: "https://xks.example.com", path: "/other/kms/xks/v1", accessKeyId: "OTHERACCESSKEYID2345", secretAccessKey: ENV_SECRET });
    const secretFile = file("secret-over", `${SECRET_FILE_SECRET}\n`);
    expect(resolveCheckSettings({ ...base, secretFile }, { [SECRET_ENV]: ENV_SECRET }).settings.secretAccessKey).toBe(SECRET_FILE_SECRET);
  });

  it("that is not JSON, or not in the console format, is a UsageError naming the file", () => {
    const notJson = file("bad.json", "XksProxyUriPath=/kms/xks/v1");
    expect(usageError(() => resolveCheckSettings(flags({ endpoint: "https://xks.example.com", proxyConfig: notJson }), {})).message).toBe(`--proxy-config ${notJson} is not JSON`);
    const wrongShape = file("wrong.json", JSON.stringify({ XksProxyUriPath: "/kms/xks/v1", AccessKeyId: "X" }));
    const e = usageError(() => resolveCheckSettings(flags({ endpoint: "https://xks.example.com", proxyConfig: wrongShape }), {}));
    expect(e.message).toMatch(/XksProxyAuthenticationCredential/);
    expect(e.message).toMatch(/expected the KMS console format/);
  });

  it("that does not exist is a UsageError, not a crash", () => {
    expect(usageError(() => resolveCheckSettings(flags({ endpoint: "https://xks.example.com", proxyConfig: join(dir, "nope.json") }), {})).message).toMatch(/cannot read --proxy-config .*nope\.json: no such file\. Fix: check the path/);
  });
});

describe("the secret", () => {
  const base = flags({ endpoint: "https://xks.example.com", path: "/kms/xks/v1", accessKeyId: "AKIAI2SFODNN7EXAMPLE" });

  it("comes from XKS_SECRET_ACCESS_KEY", () => {
    expect(resolveCheckSettings(base, { [SECRET_ENV]: ENV_SECRET }).settings.secretAccessKey).toBe(ENV_SECRET);
  });

  it.each([
    ["\n", "a trailing newline"],
    ["\r\n", "a trailing CRLF"],
  ])("comes from --secret-file with %j stripped (%s)", (ending) => {
    const secretFile = file(`secret${ending.length}`, `${SECRET_FILE_SECRET}${ending}`);
    expect(resolveCheckSettings({ ...base, secretFile }, {}).settings.secretAccessKey).toBe(SECRET_FILE_SECRET);
  });

  it("missing → UsageError naming XKS_SECRET_ACCESS_KEY and the other ways to give it", () => {
    const e = usageError(() => resolveCheckSettings(base, {}));
    expect(e.message).toContain("XKS_SECRET_ACCESS_KEY");
    expect(e.message).toContain("--secret-file");
  });

  it("an unreadable --secret-file is a UsageError", () => {
    expect(usageError(() => resolveCheckSettings({ ...base, secretFile: join(dir, "missing-secret") }, {})).message).toMatch(/cannot read --secret-file/);
  });

  it("lists every missing value at once", () => {
    const e = usageError(() => resolveCheckSettings(flags(), {}));
    for (const what of ["--endpoint", "--path", "--access-key-id", "XKS_SECRET_ACCESS_KEY"]) expect(e.message).toContain(what);
  });
});

describe("current settings (continuity)", () => {
  const base = flags({ endpoint: "https://new.example.com", path: "/new/kms/xks/v1", accessKeyId: "NEWACCESSKEYID234567" });
  const env = { [SECRET_ENV]: ENV_SECRET };

  it("default endpoint and path to the new ones", () => {
    const { current } = resolveCheckSettings({ ...base, currentAccessKeyId: "OLDACCESSKEYID234567" }, { ...env, [CURRENT_SECRET_ENV]: FILE_SECRET });
    expect(current).toEqual({ endpoint: "https://new.example.com", path: "/new/kms/xks/v1", accessKeyId: "OLDACCESSKEYID234567", secretAccessKey: FILE_SECRET });
  });

  it("take the current secret from --current-secret-file", () => {
    const currentSecretFile = file("current-secret", `${FILE_SECRET}\n`);
    const { current } = resolveCheckSettings({ ...base, currentEndpoint: "https://old.example.com", currentAccessKeyId: "OLDACCESSKEYID234567", currentSecretFile }, env);
    expect(current).toMatchObject({ endpoint: "https://old.example.com", secretAccessKey: FILE_SECRET });
  });

  it.each([
    ["only --current-endpoint", { currentEndpoint: "https://old.example.com" }, {}],
    ["only --current-path", { currentPath: "/old/kms/xks/v1" }, {}],
    ["--current-access-key-id without a current secret", { currentAccessKeyId: "OLDACCESSKEYID234567" }, {}],
  ] as const)("partial (%s) → UsageError", (_name, over, extraEnv) => {
    const e = usageError(() => resolveCheckSettings({ ...base, ...over }, { ...env, ...extraEnv }));
    expect(e.message).toMatch(/--current-access-key-id and XKS_CURRENT_SECRET_ACCESS_KEY/);
  });

  it("XKS_CURRENT_SECRET_ACCESS_KEY alone switches nothing on; a note says it is unused (check and snapshot)", () => {
    const withCurrent = { ...env, [CURRENT_SECRET_ENV]: FILE_SECRET };
    expect(resolveCheckSettings(base, withCurrent)).toEqual({ settings: expect.objectContaining({ accessKeyId: "NEWACCESSKEYID234567" }) });
    expect(unusedCurrentSecretNote("check", base, withCurrent)).toMatch(/XKS_CURRENT_SECRET_ACCESS_KEY is set but not used: .*--current-access-key-id/);
    expect(unusedCurrentSecretNote("snapshot", base, withCurrent)).toMatch(/XKS_CURRENT_SECRET_ACCESS_KEY is set but snapshot does not use it/);
    // Used (a --current-* flag) or unset: no note.
    expect(unusedCurrentSecretNote("check", { ...base, currentAccessKeyId: "OLDACCESSKEYID234567" }, withCurrent)).toBeUndefined();
    expect(unusedCurrentSecretNote("check", base, env)).toBeUndefined();
    expect(unusedCurrentSecretNote("snapshot", base, env)).toBeUndefined();
  });
});

describe("toCheckOptions", () => {
  it("carries every flag into the options and reads --ca files", () => {
    const ca = file("ca.pem", pem("caCert"));
    const o = toCheckOptions(
      flags({ endpoint: "https://xks.example.com", path: "/kms/xks/v1", accessKeyId: "AKIAI2SFODNN7EXAMPLE", region: "eu-west-1", keyId: ["a", "b"], ca: [ca], dev: true, timeoutMs: 500, verbose: true }),
      { [SECRET_ENV]: ENV_SECRET },
    );
    expect(o).toMatchObject({ region: "eu-west-1", connectivity: "PUBLIC_ENDPOINT", keyIds: ["a", "b"], dev: true, timeoutMs: 500, verbose: true, current: undefined, snapshot: undefined });
    expect(o.extraCa).toEqual([expect.stringContaining("BEGIN CERTIFICATE")]);
  });

  it("refuses an unknown --connectivity", () => {
    const e = usageError(() => toCheckOptions(flags({ endpoint: "https://xks.example.com", path: "/kms/xks/v1", accessKeyId: "AKIAI2SFODNN7EXAMPLE", connectivity: "PRIVATE" }), { [SECRET_ENV]: ENV_SECRET }));
    expect(e.message).toMatch(/--connectivity must be PUBLIC_ENDPOINT or VPC_ENDPOINT_SERVICE/);
  });

  it("a missing --ca file is a UsageError", () => {
    const e = usageError(() => toCheckOptions(flags({ endpoint: "https://xks.example.com", path: "/kms/xks/v1", accessKeyId: "AKIAI2SFODNN7EXAMPLE", ca: [join(dir, "none.pem")] }), { [SECRET_ENV]: ENV_SECRET }));
    expect(e.message).toBe(`cannot read --ca ${join(dir, "none.pem")}: no such file. Fix: check the path (a relative path is read from ${process.cwd()})`);
  });

  it.each([
    ["a key, not a certificate", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n", /holds no PEM certificate/],
    ["an empty file", "", /holds no PEM certificate/],
    ["a PEM block that does not parse", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", /not a valid certificate/],
  ])("a --ca file with %s is a UsageError naming the flag", (_name, text, message) => {
    const ca = file(`bad-${_name.length}.pem`, text);
    const e = usageError(() => toCheckOptions(flags({ endpoint: "https://xks.example.com", path: "/kms/xks/v1", accessKeyId: "AKIAI2SFODNN7EXAMPLE", ca: [ca] }), { [SECRET_ENV]: ENV_SECRET }));
    expect(e.message).toMatch(new RegExp(`^--ca ${ca.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} `));
    expect(e.message).toMatch(message);
  });
});
