/**
 * @module harness/conformance/cases/protocol
 * HTTP-level and request-metadata rules: methods, unknown fields and operations, sizes, the key's state.
 */
import { XKS_LIMITS } from "../../../src/xks/limits.js";
import { bad, expectEncrypt, expectError, expectHealth, expectPlaintext, ok, show } from "../expect.js";
import type { ConformanceCase } from "../types.js";
import { decryptFieldsOf, randomB64, seal } from "./common.js";
import { XKS_OPERATIONS } from "../../../src/xks/constants.js";

const LONG_ARN = `arn:aws:iam::123456789012:role/${"x".repeat(XKS_LIMITS.maxArnChars - "arn:aws:iam::123456789012:role/".length)}`;
const OVERSIZE_AAD_BYTES = 70_000;

export const PROTOCOL_CASES: ConformanceCase[] = [
  ...XKS_OPERATIONS.map(
    (op): ConformanceCase => ({
      id: `http-get-${op}`,
      title: `Signed GET on the ${op} URI gets 405`,
      section: "Operations (all APIs use POST; GET MUST get 405)",
      level: "MUST",
      run: async (ctx) => {
        const res = await ctx.client.send(ctx.client.pathOf(op, ctx.target.keyId), "", { method: "GET" });
        return res.status === 405 ? ok("405", "405") : bad("405 Method Not Allowed", show(res));
      },
    }),
  ),
  { id: "meta-unknown-operation", title: "Unknown kmsOperation is accepted", section: "requestMetadata (MUST NOT reject an unknown kmsOperation)", level: "MUST", run: async (ctx) => {
    const plaintext = randomB64(16);
    return expectEncrypt(await ctx.client.encrypt(ctx.target.keyId, { plaintext }, { kmsOperation: "SomeFutureOperation" }), plaintext, undefined, false).outcome;
  } },
  { id: "meta-unknown-health-operation", title: "Unknown kmsOperation on GetHealthStatus is accepted", section: "requestMetadata", level: "MUST", run: async (ctx) => expectHealth(await ctx.client.health({ kmsOperation: "SomeFutureHealthCheck" })) },
  { id: "meta-unknown-fields", title: "Unknown requestMetadata fields are ignored", section: "Appendix B", level: "MUST", run: async (ctx) => {
    const plaintext = randomB64(16);
    return expectEncrypt(await ctx.client.encrypt(ctx.target.keyId, { plaintext }, { awsSourceIdentity: "future-field", kmsFutureContext: { nested: [1, 2, 3] } }), plaintext, undefined, false).outcome;
  } },
  { id: "size-arn-2048", title: "2048-char awsPrincipalArn and kmsKeyArn are accepted", section: "requestMetadata (ARNs up to 2048 chars)", level: "MUST", run: async (ctx) => {
    const plaintext = randomB64(16);
    return expectEncrypt(await ctx.client.encrypt(ctx.target.keyId, { plaintext }, { awsPrincipalArn: LONG_ARN, kmsKeyArn: LONG_ARN }), plaintext, undefined, false).outcome;
  } },
  { id: "size-plaintext-4300", title: "4300-byte plaintext round trip", section: "Encrypt (MUST handle 4300 B)", level: "MUST", run: async (ctx) => {
    const s = await seal(ctx.client, ctx.target.keyId, { plaintext: randomB64(XKS_LIMITS.minSupportedPlaintextBytes) });
    if ("failed" in s) return s.failed;
    return expectPlaintext(await ctx.client.decrypt(ctx.target.keyId, decryptFieldsOf(s.sealed)), s.plaintext);
  } },
  { id: "size-aad-8192", title: "8192-byte AAD round trip", section: "Encrypt (MUST handle 8192 B of AAD)", level: "MUST", run: async (ctx) => {
    const s = await seal(ctx.client, ctx.target.keyId, { aad: randomB64(XKS_LIMITS.minSupportedAadBytes) });
    if ("failed" in s) return s.failed;
    return expectPlaintext(await ctx.client.decrypt(ctx.target.keyId, decryptFieldsOf(s.sealed)), s.plaintext);
  } },
  { id: "size-key-id-128", title: "128-char externalKeyId is routed (unknown → KeyNotFoundException)", section: "URI shape (externalKeyId up to 128 chars)", level: "MUST", run: async (ctx) => expectError(await ctx.client.metadata(`k${"0".repeat(127)}`), "KeyNotFoundException") },
  {
    id: "size-oversize-aad",
    title: "70000-byte AAD gets an error and the proxy stays up",
    section: "Error codes (UnsupportedOperationException above supported sizes)",
    level: "MUST",
    run: async (ctx) => {
      let first: string;
      try {
        const res = await ctx.client.encrypt(ctx.target.keyId, { plaintext: randomB64(16), additionalAuthenticatedData: randomB64(OVERSIZE_AAD_BYTES) });
        const errorName = (res.json as { errorName?: string } | undefined)?.errorName;
        if (res.status < 400 || !errorName) return bad("an error with an errorName (e.g. 501 UnsupportedOperationException)", show(res));
        first = `HTTP ${res.status} ${errorName}`;
      } catch (err) {
        return bad("an error answer, not a dropped connection", String((err as Error).message));
      }
      const after = expectHealth(await ctx.client.health());
      return after.pass ? ok("an error, then a healthy proxy", `${first}, then GetHealthStatus 200`) : bad("the proxy still healthy afterwards", after.actual);
    },
  },
  { id: "key-disabled-encrypt", title: "Encrypt with a disabled key gets InvalidStateException", section: "Error codes (InvalidStateException)", level: "MUST", needs: ["disabledKey"], run: async (ctx) => expectError(await ctx.client.encrypt(ctx.target.disabledKeyId!, { plaintext: randomB64(16) }), "InvalidStateException") },
  {
    id: "key-disabled-metadata",
    title: "GetKeyMetadata of a disabled key says DISABLED",
    section: "GetKeyMetadata (keyStatus)",
    level: "MUST",
    needs: ["disabledKey"],
    run: async (ctx) => {
      const res = await ctx.client.metadata(ctx.target.disabledKeyId!);
      const status = (res.json as { keyStatus?: string } | undefined)?.keyStatus;
      return res.status === 200 && status === "DISABLED" ? ok("200, keyStatus DISABLED", `200, keyStatus ${status}`) : bad("200, keyStatus DISABLED", show(res));
    },
  },
  { id: "metadata-key-usage-bound", title: "keyUsage has at most 10 entries", section: "GetKeyMetadata", level: "MUST", run: async (ctx) => {
    const res = await ctx.client.metadata(ctx.target.keyId);
    const usage = (res.json as { keyUsage?: unknown } | undefined)?.keyUsage;
    return Array.isArray(usage) && usage.length <= XKS_LIMITS.maxKeyUsageEntries ? ok("keyUsage with 1-10 entries", `${usage.length} entries`) : bad("keyUsage with at most 10 entries", show(res));
  } },
];
