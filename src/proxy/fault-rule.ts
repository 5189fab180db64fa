/**
 * @module proxy/fault-rule
 * Fault injection rules: how the mock misbehaves on purpose, per keystore and per operation. Every
 * failure class the harness must recognise is one of these.
 */
import { z } from "zod";
import { XKS_OPERATIONS, XKS_ERROR_NAMES, XKS_LIMITS } from "../xks/index.js";
import { MUTATIONS } from "./mutate.js";

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
  /** Break one spec rule on purpose (mutate.ts): a proxy bug for the conformance suite to catch. */
  z.object({ type: z.literal("mutation"), mutation: z.enum(MUTATIONS), ...common }),
]);

export type FaultRule = z.infer<typeof FaultRule>;
export type FaultRuleInput = z.input<typeof FaultRule>;
