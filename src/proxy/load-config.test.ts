import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_PATH_PREFIX, PUBLIC_TEST_CREDENTIAL, defaultConfigInput, type ProxyConfigInput } from "./config-schema.js";
import { ConfigError, loadConfig, parseProxyConfig } from "./load-config.js";

const dir = mkdtempSync(join(tmpdir(), "xks-load-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function writeConfig(content: unknown): string {
  const file = join(dir, `config-${++fileCount}.json`);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

/** Valid, distinct and not the public test values, so a leak of any of them is visible. */
const FILE_CRED = { accessKeyId: "FILEACCESSKEYID234567ABC", secretAccessKey: "FileSecretFileSecretFileSecretFileSecret0123+/=" };
const ENV_CRED = { accessKeyId: "ENVACCESSKEYID2345672345", secretAccessKey: "EnvSecretEnvSecretEnvSecretEnvSecretEnvSecret01" };
const FLAG_CRED = { accessKeyId: "FLAGACCESSKEYID234567ABCD", secretAccessKey: "FlagSecretFlagSecretFlagSecretFlagSecretFlag0123" };

const fileInput = (): ProxyConfigInput => ({
  host: "127.0.0.2",
  port: 1111,
  logLevel: "warn",
  keystores: [{ name: "from-file", pathPrefix: "/file/prefix", credentials: [{ ...FILE_CRED }], keys: [{ id: "file-key" }] }],
});

const envOf = (cred = ENV_CRED): NodeJS.ProcessEnv => ({
  XKS_MOCK_PORT: "2222",
  XKS_MOCK_URI_PREFIX: "/env/prefix",
  XKS_MOCK_ACCESS_KEY_ID: cred.accessKeyId,
  XKS_MOCK_SECRET_ACCESS_KEY: cred.secretAccessKey,
});

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError, but the configuration was accepted");
}

describe("loadConfig precedence: defaults < file < env < flags", () => {
  it("defaults equal the AWS curl test client's defaults", () => {
    const c = loadConfig();
    expect(c).toMatchObject({ host: "127.0.0.1", port: 8443, adminPort: 8444, http: false, logLevel: "info" });
    expect(c.keystores).toHaveLength(1);
    expect(c.keystores[0]!.pathPrefix).toBe(DEFAULT_PATH_PREFIX);
    expect(c.keystores[0]!.credentials).toEqual([PUBLIC_TEST_CREDENTIAL]);
    expect(c.keystores[0]!.keys.map((k) => k.id)).toEqual(["foo", "encrypt_only_key", "decrypt_only_key", "impotent_key", "disabled_key"]);
  });

  it("a file replaces the defaults it sets and leaves the rest", () => {
    const c = loadConfig({ file: writeConfig(fileInput()) });
    expect(c).toMatchObject({ host: "127.0.0.2", port: 1111, logLevel: "warn", adminPort: 8444, http: false });
    expect(c.keystores[0]).toMatchObject({ name: "from-file", pathPrefix: "/file/prefix", credentials: [FILE_CRED] });
    expect(c.keystores[0]!.keys.map((k) => k.id)).toEqual(["file-key"]);
  });

  it("env overrides the file, field by field", () => {
    const c = loadConfig({ file: writeConfig(fileInput()), env: envOf() });
    expect(c).toMatchObject({ port: 2222, host: "127.0.0.2", logLevel: "warn" });
    expect(c.keystores[0]).toMatchObject({ name: "from-file", pathPrefix: "/env/prefix", credentials: [ENV_CRED] });
  });

  it("env overrides the defaults when there is no file", () => {
    const c = loadConfig({ env: { ...envOf(), XKS_MOCK_ADMIN_PORT: "off", XKS_MOCK_HTTP: "true" } });
    expect(c).toMatchObject({ port: 2222, adminPort: null, http: true });
    expect(c.keystores[0]).toMatchObject({ pathPrefix: "/env/prefix", credentials: [ENV_CRED] });
    expect(c.keystores[0]!.keys).toHaveLength(5);
  });

  it("flags override env and file", () => {
    const c = loadConfig({
      file: writeConfig(fileInput()),
      env: { ...envOf(), XKS_MOCK_HOST: "127.0.0.3", XKS_MOCK_LOG_LEVEL: "error" },
      flags: { port: 3333, pathPrefix: "/flag/prefix", logLevel: "debug", ...FLAG_CRED },
    });
    expect(c).toMatchObject({ port: 3333, host: "127.0.0.3", logLevel: "debug" });
    expect(c.keystores[0]).toMatchObject({ pathPrefix: "/flag/prefix", credentials: [FLAG_CRED] });
  });

  it("an empty environment variable is not an override", () => {
    const c = loadConfig({ file: writeConfig(fileInput()), env: { XKS_MOCK_PORT: "", XKS_MOCK_URI_PREFIX: "" } });
    expect(c.port).toBe(1111);
    expect(c.keystores[0]!.pathPrefix).toBe("/file/prefix");
  });

  it("an override applies to the first keystore only", () => {
    const input = fileInput();
    input.keystores.push({ name: "second", pathPrefix: "/second", credentials: [{ ...FILE_CRED }] });
    const c = loadConfig({ file: writeConfig(input), env: envOf() });
    expect(c.keystores[1]).toMatchObject({ pathPrefix: "/second", credentials: [FILE_CRED] });
  });
});

describe("environment errors", () => {
  it("XKS_MOCK_PORT=abc is a ConfigError naming the variable, the rule and the fix", () => {
    const e = configError(() => loadConfig({ env: { XKS_MOCK_PORT: "abc" } }));
    expect(e.message).toContain("XKS_MOCK_PORT");
    expect(e.message).toMatch(/whole number/);
    expect(e.message).toMatch(/Fix: .*XKS_MOCK_PORT=8443/);
  });

  it("XKS_MOCK_PORT=70000 is a ConfigError naming port", () => {
    expect(configError(() => loadConfig({ env: { XKS_MOCK_PORT: "70000" } })).message).toMatch(/\bport\b/);
  });

  it("XKS_MOCK_HTTP=maybe is a ConfigError", () => {
    expect(configError(() => loadConfig({ env: { XKS_MOCK_HTTP: "maybe" } })).message).toContain("XKS_MOCK_HTTP");
  });

  it.each([
    { name: "an access key id without a secret", env: { XKS_MOCK_ACCESS_KEY_ID: ENV_CRED.accessKeyId } },
    { name: "a secret without an access key id", env: { XKS_MOCK_SECRET_ACCESS_KEY: ENV_CRED.secretAccessKey } },
  ])("$name is a ConfigError naming both variables", ({ env }) => {
    const e = configError(() => loadConfig({ env }));
    expect(e.message).toContain("XKS_MOCK_ACCESS_KEY_ID");
    expect(e.message).toContain("XKS_MOCK_SECRET_ACCESS_KEY");
    expect(e.message).not.toContain(ENV_CRED.secretAccessKey);
  });

  it("an access key id flag without a secret flag is a ConfigError", () => {
    configError(() => loadConfig({ flags: { accessKeyId: FLAG_CRED.accessKeyId } }));
  });

  it("a bad secret from the environment is named by its field, and not echoed", () => {
    const bad = "short+secret/from=env";
    const e = configError(() => loadConfig({ env: { XKS_MOCK_ACCESS_KEY_ID: ENV_CRED.accessKeyId, XKS_MOCK_SECRET_ACCESS_KEY: bad } }));
    expect(e.message).toContain("keystores.0.credentials.0.secretAccessKey");
    expect(e.message).not.toContain(bad);
  });
});

/** The secret every config below carries, to prove no message ever echoes it. */
const SECRET = "ConfigSecretConfigSecretConfigSecretConfig0123456789";
/** Loosely typed on purpose: the cases below write values the schema must refuse. */
type Input = { [field: string]: any; keystores: any[] };
const baseInput = (): Input => {
  const c = defaultConfigInput() as Input;
  c.keystores[0]!.credentials = [{ accessKeyId: "CONFIGACCESSKEYID234567", secretAccessKey: SECRET }];
  return c;
};
const ks = (c: Input): any => c.keystores[0];
const b64Bytes = (n: number) => Buffer.alloc(n, 7).toString("base64");
const fleet = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `ekm-${i}`, model: "m", healthStatus: "ACTIVE" }));

interface BadCase {
  name: string;
  mutate: (c: Input) => void;
  field: string;
  rule: RegExp;
  /** The fix, where the message gives one beyond the rule. */
  fix?: RegExp;
  /** A value that must not be echoed (a bad secret). */
  secret?: string;
}

const BAD: BadCase[] = [
  {
    name: "accessKeyId in lowercase",
    mutate: (c) => (ks(c).credentials[0].accessKeyId = "lowercaseaccesskeyid234"),
    field: "keystores.0.credentials.0.accessKeyId",
    rule: /must be 20-30 chars of A-Z and 2-7/,
    fix: /Fix: copy the access key id your proxy issued/,
  },
  {
    name: "accessKeyId of 19 chars",
    mutate: (c) => (ks(c).credentials[0].accessKeyId = "A".repeat(19)),
    field: "keystores.0.credentials.0.accessKeyId",
    rule: /19 chars, shorter than 20: must be 20-30 chars/,
    fix: /Fix: /,
  },
  {
    name: "secret of 42 chars",
    mutate: (c) => (ks(c).credentials[0].secretAccessKey = "s".repeat(42)),
    field: "keystores.0.credentials.0.secretAccessKey",
    rule: /42 chars, shorter than 43: must be 43-64 chars of a-z A-Z 0-9 \/ \+ =/,
    fix: /Fix: .*openssl rand -base64 32/,
    secret: "s".repeat(42),
  },
  {
    name: "secret of 65 chars",
    mutate: (c) => (ks(c).credentials[0].secretAccessKey = "t".repeat(65)),
    field: "keystores.0.credentials.0.secretAccessKey",
    rule: /65 chars, longer than 64: must be 43-64 chars/,
    fix: /Fix: /,
    secret: "t".repeat(65),
  },
  {
    name: "secret with a character KMS refuses",
    mutate: (c) => (ks(c).credentials[0].secretAccessKey = `${"u".repeat(43)}!`),
    field: "keystores.0.credentials.0.secretAccessKey",
    rule: /must be 43-64 chars of a-z A-Z 0-9 \/ \+ =/,
    fix: /Fix: /,
    secret: `${"u".repeat(43)}!`,
  },
  {
    name: "duplicate access key id in one keystore",
    mutate: (c) => ks(c).credentials.push({ ...ks(c).credentials[0] }),
    field: "keystores.0.credentials.1.accessKeyId",
    rule: /appears twice/,
  },
  {
    name: "duplicate pathPrefix",
    mutate: (c) => c.keystores.push({ ...ks(c), name: "second" }),
    field: "keystores.1.pathPrefix",
    rule: /also used by keystores\[0\]; prefixes must be unique/,
  },
  {
    name: "duplicate key id",
    mutate: (c) => ks(c).keys.push({ id: "foo" }),
    field: "keystores.0.keys.5.id",
    rule: /key id "foo" appears twice/,
  },
  {
    name: 'key id ".."',
    mutate: (c) => ks(c).keys.push({ id: ".." }),
    field: "keystores.0.keys.5.id",
    rule: /\. or \.\. cannot be routed/,
  },
  {
    name: "key id with a slash",
    mutate: (c) => ks(c).keys.push({ id: "a/b" }),
    field: "keystores.0.keys.5.id",
    rule: /must be 1-128 chars of a-z A-Z 0-9 - _ \./,
    fix: /Fix: /,
  },
  {
    name: "pathPrefix with a trailing slash",
    mutate: (c) => (ks(c).pathPrefix = "/example/prefix/"),
    field: "keystores.0.pathPrefix",
    rule: /without a trailing \//,
  },
  {
    name: "pathPrefix without a leading slash",
    mutate: (c) => (ks(c).pathPrefix = "example/prefix"),
    field: "keystores.0.pathPrefix",
    rule: /pathPrefix must be "" or \/-separated segments/,
  },
  {
    name: "material of 31 bytes",
    mutate: (c) => ks(c).keys.push({ id: "short-key", material: b64Bytes(31) }),
    field: "keystores.0.keys.5.material",
    rule: /32 bytes/,
  },
  {
    name: "material of 33 bytes",
    mutate: (c) => ks(c).keys.push({ id: "long-key", material: b64Bytes(33) }),
    field: "keystores.0.keys.5.material",
    rule: /32 bytes/,
  },
  {
    name: "material that is not Base64",
    mutate: (c) => ks(c).keys.push({ id: "bad-key", material: "not base64!" }),
    field: "keystores.0.keys.5.material",
    rule: /canonical Base64/,
  },
  {
    name: "ciphertextMetadata of 21 bytes",
    mutate: (c) => (ks(c).ciphertextMetadata = b64Bytes(21)),
    field: "keystores.0.ciphertextMetadata",
    rule: /1-20 bytes/,
  },
  {
    name: "ekmFleetDetails with 0 entries",
    mutate: (c) => (ks(c).health = { ekmFleetDetails: [] }),
    field: "keystores.0.health.ekmFleetDetails",
    rule: /must have at least 1 item/,
  },
  {
    name: "ekmFleetDetails with 11 entries",
    mutate: (c) => (ks(c).health = { ekmFleetDetails: fleet(11) }),
    field: "keystores.0.health.ekmFleetDetails",
    rule: /must have at most 10 items/,
  },
  {
    name: "port 65536",
    mutate: (c) => (c.port = 65536),
    field: "port",
    rule: /65535/,
  },
];

describe("ConfigError names the field, the rule and the fix", () => {
  it.each(BAD)("$name → $field", ({ mutate, field, rule, fix }) => {
    const input = baseInput();
    mutate(input);
    const { message } = configError(() => parseProxyConfig(input));
    expect(message).toContain(`${field}:`);
    expect(message).toMatch(rule);
    if (fix) expect(message).toMatch(fix);
  });

  it.each(BAD)("$name: the secret is not in the message", ({ mutate, secret }) => {
    const input = baseInput();
    mutate(input);
    const { message } = configError(() => parseProxyConfig(input));
    expect(message).not.toContain(SECRET);
    if (secret) expect(message).not.toContain(secret);
  });

  it("several problems: counted, one per line, then one Fix line that names where to correct them", () => {
    const input = baseInput();
    ks(input).credentials[0].accessKeyId = "bad";
    ks(input).pathPrefix = "no-slash";
    (input as { port?: number }).port = 70000;
    const lines = configError(() => parseProxyConfig(input, "config file x.json")).message.split("\n");
    expect(lines[0]).toBe("invalid config file x.json (3 problems):");
    expect(lines.slice(1, 4).every((l) => l.startsWith("  - "))).toBe(true);
    expect(lines.slice(1, 4).map((l) => l.slice(4).split(":")[0]).sort()).toEqual(["keystores.0.credentials.0.accessKeyId", "keystores.0.pathPrefix", "port"]);
    expect(lines[4]).toMatch(/^Fix: correct these fields in the config file x\.json; README "Configuration file"/);
    expect(lines).toHaveLength(5);
  });

  it("a bad file is named in the message along with the field", () => {
    const input = baseInput();
    ks(input).credentials[0].accessKeyId = "bad";
    const file = writeConfig(input);
    const { message } = configError(() => loadConfig({ file }));
    expect(message).toContain(file);
    expect(message).toContain("keystores.0.credentials.0.accessKeyId");
    expect(message).not.toContain(SECRET);
  });

  it("every violation is reported, not only the first", () => {
    const input = baseInput();
    ks(input).credentials[0].accessKeyId = "bad";
    ks(input).pathPrefix = "/trailing/";
    const { message } = configError(() => parseProxyConfig(input));
    expect(message).toContain("keystores.0.credentials.0.accessKeyId");
    expect(message).toContain("keystores.0.pathPrefix");
  });

  it("a missing file is a ConfigError naming it", () => {
    const file = join(dir, "does-not-exist.json");
    const { message } = configError(() => loadConfig({ file }));
    expect(message).toContain(file);
    expect(message).toContain(": no such file. Fix: check the path");
    expect(message).not.toContain("ENOENT");
  });

  it.each([
    // V8 quotes the text around some JSON syntax errors: here that text is the secret.
    { name: "an unquoted secret", text: `{"keystores":[{"name":"a","pathPrefix":"","credentials":[{"accessKeyId":"CONFIGACCESSKEYID234567","secretAccessKey": ${SECRET}}]}]}` },
    { name: "a secret with a stray quote", text: `{"keystores":[{"credentials":[{"secretAccessKey": "${SECRET.slice(0, 20)}"${SECRET.slice(20)}"}]}]}` },
    { name: "a secret cut short", text: `{"keystores":[{"credentials":[{"secretAccessKey": "${SECRET}` },
  ])("a file that is not JSON is a ConfigError that does not quote the text around the error ($name)", ({ text }) => {
    const file = writeConfig(text);
    const { message } = configError(() => loadConfig({ file }));
    expect(message).toContain(file);
    expect(message).toMatch(/not valid JSON/);
    for (let i = 0; i + 8 <= SECRET.length; i++) expect(message).not.toContain(SECRET.slice(i, i + 8));
  });
});

describe("boundaries that are accepted", () => {
  it.each([
    { name: "secret of 43 chars", mutate: (c: Input) => (ks(c).credentials[0].secretAccessKey = "a".repeat(43)) },
    { name: "secret of 64 chars", mutate: (c: Input) => (ks(c).credentials[0].secretAccessKey = "b".repeat(64)) },
    { name: "accessKeyId of 20 chars", mutate: (c: Input) => (ks(c).credentials[0].accessKeyId = "A".repeat(20)) },
    { name: "accessKeyId of 30 chars", mutate: (c: Input) => (ks(c).credentials[0].accessKeyId = "B".repeat(30)) },
    { name: "two credentials", mutate: (c: Input) => ks(c).credentials.push({ accessKeyId: "SECONDACCESSKEYID234567", secretAccessKey: "c".repeat(50) }) },
    { name: "empty pathPrefix", mutate: (c: Input) => (ks(c).pathPrefix = "") },
    { name: "material of 32 bytes", mutate: (c: Input) => ks(c).keys.push({ id: "k", material: b64Bytes(32) }) },
    { name: "ciphertextMetadata of 20 bytes", mutate: (c: Input) => (ks(c).ciphertextMetadata = b64Bytes(20)) },
    { name: "ekmFleetDetails with 10 entries", mutate: (c: Input) => (ks(c).health = { ekmFleetDetails: fleet(10) }) },
    { name: "port 0", mutate: (c: Input) => (c.port = 0) },
  ])("$name", ({ mutate }) => {
    const input = baseInput();
    mutate(input);
    expect(() => parseProxyConfig(input)).not.toThrow();
  });
});
