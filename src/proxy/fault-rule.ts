/**
 * @module proxy/fault-rule
 * Fault injection rules: how the mock misbehaves on purpose, per keystore and per operation. Every
 * failure class the harness must recognise is one of these.
 */
import { z } from "zod";
import { XKS_OPERATIONS } from "../xks/constants.js";
import { XKS_ERROR_NAMES } from "../xks/errors.js";
import { XKS_LIMITS } from "../xks/limits.js";

/**
 * Spec violations the mock can commit on request, one per way a real proxy has been (or could be) wrong.
 * Each is a switch; none changes anything else.
 */
export const MUTATIONS = [
  "accept-any-signature", // no SigV4 check at all
  "skip-skew-check", // signatures of any age accepted
  "wrong-iv-length", // encrypt returns an 8-byte IV
  "missing-cdiv", // encrypt omits ciphertextDataIntegrityValue though it was requested
  "wrong-cdiv", // encrypt returns a CDIV with one bit flipped
  "ignore-aad", // AAD is not bound: decrypt succeeds with any AAD
  "get-200", // GET on an API path answers 200 instead of 405
  "error-without-json", // errors come back as text/plain, no errorName
  "key-spec-rsa", // GetKeyMetadata says keySpec RSA_0 (a bug seen in a real proxy)
] as const;
export type Mutation = (typeof MUTATIONS)[number];

const common = {
  /** Which API the rule hits; "*" = all four. */
  operation: z.enum([...XKS_OPERATIONS, "*"]).default("*"),
  /** Apply this many times, then drop the rule; absent = until removed. */
  times: z.number().int().positive().max(1_000_000).optional(),
};

export const FaultRule = z.discriminatedUnion("type", [
  /** Delay the answer (bounded: one minute). */
  z.object({ type: z.literal("latency"), ms: z.number().int().min(0).max(60_000), ...common }),
  /** Answer with this spec error (status from the table unless given). */
  z.object({
    type: z.literal("error"),
    errorName: z.enum(XKS_ERROR_NAMES as [string, ...string[]]),
    status: z.number().int().min(400).max(599).optional(),
    errorMessage: z.string().max(XKS_LIMITS.maxErrorMessageChars).optional(),
    ...common,
  }),
  /** Answer 200 with a body KMS cannot use. */
  z.object({ type: z.literal("malformed"), body: z.enum(["not-json", "wrong-schema", "empty"]), ...common }),
  /** Drop the TCP connection without answering. */
  z.object({ type: z.literal("close-connection"), ...common }),
  /** Report every key manager of GetHealthStatus with this status. */
  z.object({ type: z.literal("health-status"), status: z.enum(["DEGRADED", "UNAVAILABLE"]), ...common }),
  /** Answer 401 to every request, whatever its signature. */
  z.object({ type: z.literal("reject-signatures"), ...common }),
  /** Break one spec rule on purpose: a proxy bug for the conformance suite to catch. */
  z.object({ type: z.literal("mutation"), mutation: z.enum(MUTATIONS), ...common }),
]);

export type FaultRule = z.infer<typeof FaultRule>;
export type FaultRuleInput = z.input<typeof FaultRule>;
