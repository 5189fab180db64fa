/**
 * @module harness/conformance/cases/sigv4
 * SigV4 as the spec requires of a proxy (Appendix A): every way a signature can be wrong gets 401.
 */
import { randomBytes } from "node:crypto";
import { expectError, expectHealth } from "../expect.js";
import type { ConformanceCase } from "../types.js";
import { MAX_CLOCK_SKEW_MS } from "../../../src/xks/constants.js";

const SKEW_BEYOND_MS = MAX_CLOCK_SKEW_MS + 30_000;

/** A random access key id of valid shape: the proxy cannot know it. */
const unknownAccessKeyId = () => `UNKNOWN${Array.from(randomBytes(17), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[b % 32]).join("")}`;

export const SIGV4_CASES: ConformanceCase[] = [
  { id: "sigv4-unknown-access-key-id", title: "Unknown access key id (valid shape)", section: "Appendix A", level: "MUST", run: async (ctx) => expectError(await ctx.client.health({}, { credential: { accessKeyId: unknownAccessKeyId(), secretAccessKey: ctx.target.settings.secretAccessKey } }), "AuthenticationFailedException") },
  { id: "sigv4-wrong-secret", title: "Right access key id, wrong secret", section: "Appendix A", level: "MUST", run: async (ctx) => expectError(await ctx.client.health({}, { credential: { accessKeyId: ctx.target.settings.accessKeyId, secretAccessKey: randomBytes(32).toString("base64") } }), "AuthenticationFailedException") },
  { id: "sigv4-wrong-service", title: "Signed for service kms instead of kms-xks-proxy", section: "Appendix A", level: "MUST", run: async (ctx) => expectError(await ctx.client.health({}, { service: "kms" }), "AuthenticationFailedException") },
  { id: "sigv4-stale-date", title: "X-Amz-Date 5m30s in the past", section: "Appendix A (SHOULD fail; required here: without it a captured request replays forever)", level: "MUST", run: async (ctx) => expectError(await ctx.client.health({}, { date: new Date(Date.now() - SKEW_BEYOND_MS) }), "AuthenticationFailedException") },
  { id: "sigv4-future-date", title: "X-Amz-Date 5m30s in the future", section: "Appendix A (SHOULD fail; required here: without it a captured request replays forever)", level: "MUST", run: async (ctx) => expectError(await ctx.client.health({}, { date: new Date(Date.now() + SKEW_BEYOND_MS) }), "AuthenticationFailedException") },
  { id: "sigv4-host-not-signed", title: "host left out of SignedHeaders", section: "Appendix A (host and x-amz-date MUST be signed)", level: "MUST", run: async (ctx) => expectError(await ctx.client.health({}, { omitHost: true }), "AuthenticationFailedException") },
  { id: "sigv4-body-changed", title: "Body changed after signing", section: "Appendix A (payload hash)", level: "MUST", run: async (ctx) => expectError(await ctx.client.health({}, { bodyAfterSigning: JSON.stringify({ requestMetadata: { kmsRequestId: "tampered", kmsOperation: "KmsHealthCheck" } }) }), "AuthenticationFailedException") },
  { id: "sigv4-missing-authorization", title: "No Authorization header", section: "Appendix A", level: "MUST", run: async (ctx) => expectError(await ctx.client.health({}, { unsigned: true }), "AuthenticationFailedException") },
  { id: "sigv4-content-type-signed", title: "content-type also signed, as curl --aws-sigv4 does", section: "Appendix A (verify over SignedHeaders)", level: "MUST", run: async (ctx) => expectHealth(await ctx.client.health({}, { signContentType: true })) },
  {
    id: "sigv4-second-credential",
    title: "A second credential works at the same time (rotation)",
    section: "Authentication (SHOULD accept at least two credentials per prefix)",
    level: "SHOULD",
    needs: ["secondCredential"],
    run: async (ctx) => expectHealth(await ctx.client.health({}, { credential: ctx.target.secondCredential! })),
  },
];
