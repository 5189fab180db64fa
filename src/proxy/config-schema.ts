/**
 * @module proxy/config-schema
 * The mock's configuration file, as a schema. Every rule names the field it guards; defaults equal the
 * AWS curl test client's defaults, so `xks-mock` with no config passes `test-xks-proxy -a` as it is.
 */
import { z } from "zod";
import { XKS_API_SUFFIX, kmsClientSubject, decodeBase64, REGION_PATTERN, checkKmsField, XKS_LIMITS, HealthResponse, KEY_STATUSES, type KmsFieldName } from "../xks/index.js";
import { REQUEST_TIMEOUT_MS } from "../net/connection-limits.js";
import { FaultRule } from "./fault-rule.js";

/** Characters of the Base64 (with padding) of `bytes` bytes. */
const base64Chars = (bytes: number) => 4 * Math.ceil(bytes / 3);
/** requestMetadata's short fields, the IV, tag and metadata, and the JSON around everything: well under this. */
const REQUEST_FRAME_BYTES = 2048;
/** The body of a request with this much plaintext (or ciphertext) and AAD and the longest ARNs (key, principal). */
export function requestBodyBytes(dataBytes: number, aadBytes: number): number {
  return base64Chars(dataBytes) + base64Chars(aadBytes) + 2 * XKS_LIMITS.maxArnChars + REQUEST_FRAME_BYTES;
}
/**
 * The largest request KMS sends is a Decrypt of the most a proxy must accept (spec "Encrypt", "Decrypt": 4300 bytes
 * of ciphertext, 8192 of AAD): about 22 KiB. The default body limit is that with margin, 64 KiB, and never less than
 * the configured maxPlaintextBytes and maxAadBytes need (the defaults, 6144 and 12288, need about 30 KiB). It bounds
 * what a connection holds before its signature can be checked (README "Limits"); 256 KiB, the old default, let
 * 4,096 connections hold 1 GiB.
 */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** The AWS test client's public defaults: printed with a warning whenever they are in use. */
export const PUBLIC_TEST_CREDENTIAL = {
  accessKeyId: "BETWEEN2TENAND3TENCHARACTERS",
  secretAccessKey: "PleaseReplaceThisWithSomeSecretOfLength43To64",
} as const;

export function isPublicTestCredential(c: { accessKeyId: string; secretAccessKey: string }): boolean {
  return c.accessKeyId === PUBLIC_TEST_CREDENTIAL.accessKeyId && c.secretAccessKey === PUBLIC_TEST_CREDENTIAL.secretAccessKey;
}
export const DEFAULT_PATH_PREFIX = "/example/uri/path/prefix";
/** Public, so replicas and restarts agree on key material; anyone can derive these keys. */
export const DEFAULT_KEY_SEED = "xks-harness public test seed: not a secret";

const kmsString = (rule: KmsFieldName) =>
  z.string().superRefine((value, ctx) => {
    const v = checkKmsField(rule, value);
    if (v) ctx.addIssue({ code: "custom", message: `${v.problem}: must be ${v.rule}. Fix: ${v.fix}` });
  });

const base64Bytes = (what: string, ok: (n: number) => boolean, rule: string) =>
  z.string().refine((s) => {
    const b = decodeBase64(s);
    return b !== undefined && ok(b.length);
  }, `${what} must be canonical Base64 of ${rule}`);

const CredentialConfig = z.object({
  accessKeyId: kmsString("AccessKeyId"),
  secretAccessKey: kmsString("RawSecretAccessKey"),
});

const KEY_USAGES = ["ENCRYPT", "DECRYPT", "SIGN", "VERIFY", "WRAP", "UNWRAP", "DERIVE"] as const;

export const KeyConfig = z.object({
  id: kmsString("XksKeyId").refine((id) => id !== "." && id !== "..", "a key id of . or .. cannot be routed (HTTP clients remove dot segments)"),
  usage: z.array(z.enum(KEY_USAGES)).max(XKS_LIMITS.maxKeyUsageEntries).default(["ENCRYPT", "DECRYPT"]),
  status: z.enum(KEY_STATUSES).default("ENABLED"),
  /** 32 bytes, Base64. When absent the key is derived from the key store's keySeed. */
  material: base64Bytes("material", (n) => n === XKS_LIMITS.keyBytes, "32 bytes (AES-256)").optional(),
  /** Secondary authorization (spec "Authorization"): callers allowed, by awsPrincipalArn. */
  allowedPrincipals: z.array(z.string()).optional(),
  /** Secondary authorization: kmsOperation values allowed. */
  allowedOperations: z.array(z.string()).optional(),
});

const HealthConfig = z.object({
  xksProxyFleetSize: z.number().int().positive().default(1),
  xksProxyVendor: z.string().default("xks-harness"),
  xksProxyModel: z.string().default("xks-mock 0.1"),
  ekmVendor: z.string().default("xks-harness software key manager"),
  // The response's own rule (1-10 entries, status enum): what the mock serves is valid by construction.
  ekmFleetDetails: HealthResponse.shape.ekmFleetDetails.default([{ id: "mock-ekm-1", model: "in-memory AES-256-GCM", healthStatus: "ACTIVE" }]),
});

const MAX_PREFIX_CHARS = 128 - XKS_API_SUFFIX.length;

export const KeystoreConfig = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "name must be 1-64 chars of A-Z a-z 0-9 _ . -"),
  /** Path before /kms/xks/v1: "" or "/segment[/segment...]". */
  pathPrefix: z
    .string()
    .regex(/^(\/[A-Za-z0-9_-]+)*$/, `pathPrefix must be "" or /-separated segments of A-Z a-z 0-9 _ -, without a trailing /`)
    .max(MAX_PREFIX_CHARS, `pathPrefix must be at most ${MAX_PREFIX_CHARS} chars so the whole path fits in 128`),
  credentials: z.array(CredentialConfig).min(1, "at least one credential is required"),
  /** Regions a request may be signed for; absent = any (KMS signs with the key store's region). */
  regions: z.array(z.string().regex(REGION_PATTERN, "must be a region name like us-east-1")).min(1).optional(),
  keySeed: z.string().min(16, "keySeed must be at least 16 chars").default(DEFAULT_KEY_SEED),
  /** Bound into every ciphertext's AAD and returned by encrypt (<= 20 bytes). */
  ciphertextMetadata: base64Bytes("ciphertextMetadata", (n) => n >= 1 && n <= XKS_LIMITS.maxCiphertextMetadataBytes, "1-20 bytes").optional(),
  health: HealthConfig.prefault({}),
  keys: z.array(KeyConfig).default([]),
  faults: z.array(FaultRule).default([]),
});

export const ProxyConfigSchema = z
  .object({
    host: z.string().min(1).default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(8443),
    /** Plain HTTP instead of HTTPS (for a TLS-terminating load balancer in front). */
    http: z.boolean().default(false),
    /** Admin API port on 127.0.0.1; null disables it. */
    adminPort: z.number().int().min(0).max(65535).nullable().default(8444),
    tls: z
      .object({
        certFile: z.string().optional(),
        keyFile: z.string().optional(),
        /** mTLS: require a client certificate chained to clientCaFile with an allowed subject CN. */
        mtls: z.boolean().default(false),
        clientCaFile: z.string().optional(),
        allowedClientSubjects: z.array(z.string()).min(1).default([kmsClientSubject("us-east-1")]),
      })
      .prefault({}),
    limits: z
      .object({
        maxPlaintextBytes: z.number().int().min(XKS_LIMITS.minSupportedPlaintextBytes).max(1 << 20).default(6144),
        maxAadBytes: z.number().int().min(XKS_LIMITS.minSupportedAadBytes).max(XKS_LIMITS.maxFramedAadBytes).default(12288),
        /** Default: DEFAULT_MAX_BODY_BYTES, or what maxPlaintextBytes and maxAadBytes need (transform below). */
        maxBodyBytes: z.number().int().min(32 * 1024).max(8 << 20).optional(),
        /** A connection with no request in progress closes after this long (before its first request too). */
        idleTimeoutMs: z.number().int().min(100).max(3_600_000).default(60_000),
        /** A request's headers must be complete this long after its first byte (at most the 30 s request limit). */
        headersTimeoutMs: z.number().int().min(100).max(REQUEST_TIMEOUT_MS).default(10_000),
        /** Connections beyond this many at once are closed as they arrive. */
        maxConnections: z.number().int().min(1).max(1_000_000).default(4096),
      })
      .prefault({})
      .transform((l) => ({
        ...l,
        maxBodyBytes: l.maxBodyBytes ?? Math.max(DEFAULT_MAX_BODY_BYTES, requestBodyBytes(l.maxPlaintextBytes, l.maxAadBytes)),
      })),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "silent"]).default("info"),
    keystores: z.array(KeystoreConfig).min(1),
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.keystores.forEach((k, i) => {
      if (seen.has(k.pathPrefix)) ctx.addIssue({ code: "custom", path: ["keystores", i, "pathPrefix"], message: `pathPrefix "${k.pathPrefix}" is also used by keystores[${seen.get(k.pathPrefix)}]; prefixes must be unique` });
      seen.set(k.pathPrefix, i);
      const ids = new Set<string>();
      k.keys.forEach((key, j) => {
        if (ids.has(key.id)) ctx.addIssue({ code: "custom", path: ["keystores", i, "keys", j, "id"], message: `key id "${key.id}" appears twice in this keystore` });
        ids.add(key.id);
      });
      const akids = new Set<string>();
      k.credentials.forEach((cred, j) => {
        if (akids.has(cred.accessKeyId)) ctx.addIssue({ code: "custom", path: ["keystores", i, "credentials", j, "accessKeyId"], message: "access key id appears twice in this keystore" });
        akids.add(cred.accessKeyId);
      });
    });
    if (new Set(c.keystores.map((k) => k.name)).size !== c.keystores.length) ctx.addIssue({ code: "custom", path: ["keystores"], message: "keystore names must be unique" });
  });

export type ProxyConfig = z.infer<typeof ProxyConfigSchema>;
export type ProxyConfigInput = z.input<typeof ProxyConfigSchema>;
export type KeystoreConfig = z.infer<typeof KeystoreConfig>;
export type KeyConfig = z.infer<typeof KeyConfig>;

/** The keys the AWS test client's `-a` run expects, plus a disabled one. */
export function defaultKeys(): z.input<typeof KeyConfig>[] {
  return [
    { id: "foo", usage: ["ENCRYPT", "DECRYPT"] },
    { id: "encrypt_only_key", usage: ["ENCRYPT"] },
    { id: "decrypt_only_key", usage: ["DECRYPT"] },
    { id: "impotent_key", usage: [] },
    { id: "disabled_key", usage: ["ENCRYPT", "DECRYPT"], status: "DISABLED" },
  ];
}

export function defaultConfigInput(): ProxyConfigInput {
  return {
    keystores: [{ name: "default", pathPrefix: DEFAULT_PATH_PREFIX, credentials: [{ ...PUBLIC_TEST_CREDENTIAL }], keys: defaultKeys() }],
  };
}

