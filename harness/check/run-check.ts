/**
 * @module harness/check/run-check
 * Runs the checks in order. A check whose prerequisite failed (or was skipped) is skipped with the reason, so a
 * closed port reads as one failure, not ten. The verdict predicts what UpdateCustomKeyStore would do.
 */
import { KMS_FAILURE_OUTCOMES } from "../../src/xks/kms-failures.js";
import { authCheck } from "./checks/auth.js";
import { continuityCheck } from "./checks/continuity.js";
import { dnsCheck } from "./checks/dns.js";
import { keysCheck } from "./checks/keys.js";
import { latencyCheck } from "./checks/latency.js";
import { pathCheck } from "./checks/path.js";
import { rejectsBadSignatureCheck } from "./checks/rejects-bad-signature.js";
import { tcpCheck } from "./checks/tcp.js";
import { tlsCheck } from "./checks/tls.js";
import { vpcEndpointServiceCheck } from "./checks/vpc-endpoint-service.js";
import { createContext, type CheckContext } from "./context.js";
import { inputCheck } from "./input.js";
import { CHECK_TITLES, emptyTimings, type CheckId, type CheckOptions, type CheckReport, type CheckResult } from "./types.js";

interface Step {
  id: CheckId;
  needs: CheckId[];
  /** Why the step does not apply to this run, if it does not. */
  notApplicable?: (o: CheckOptions) => string | undefined;
  run: (ctx: CheckContext) => Promise<CheckResult>;
}

const STEPS: Step[] = [
  // Talks to EC2, not to the proxy: the network checks do not wait for it.
  {
    id: "vpc-endpoint-service",
    needs: ["input"],
    notApplicable: (o) => (o.connectivity === "VPC_ENDPOINT_SERVICE" ? undefined : `connectivity is ${o.connectivity}`),
    run: vpcEndpointServiceCheck,
  },
  { id: "dns", needs: ["input"], run: dnsCheck },
  { id: "tcp", needs: ["dns"], run: tcpCheck },
  { id: "tls", needs: ["tcp"], run: tlsCheck },
  { id: "auth", needs: ["tls"], run: authCheck },
  { id: "rejects-bad-signature", needs: ["auth"], run: rejectsBadSignatureCheck },
  { id: "path", needs: ["tls"], run: pathCheck },
  { id: "latency", needs: ["auth"], run: latencyCheck },
  { id: "keys", needs: ["auth"], notApplicable: (o) => (o.keyIds.length ? undefined : "no --key-id given"), run: keysCheck },
  {
    id: "continuity",
   
    needs: ["auth"],
    notApplicable: (o) =>
      !o.current && !o.snapshot ? "no current settings (--current-*) and no --snapshot given" : o.current && !o.snapshot && o.keyIds.length === 0 ? "no --key-id to probe with the current settings" : undefined,
    run: continuityCheck,
  },
];

/** Checks whose failure decides UpdateCustomKeyStore's own outcome, in the order KMS meets them. */
const PREDICTING: CheckId[] = ["dns", "tcp", "tls", "auth"];

function predict(checks: CheckResult[]): Pick<CheckReport, "predictedException" | "predictedConnectionErrorCode"> {
  const input = checks.find((c) => c.id === "input");
  if (input?.status === "fail") return { predictedException: "ValidationException", predictedConnectionErrorCode: null };
  // KMS checks a VPC store's endpoint service before it calls the proxy (Create of a VPC store calls no proxy at all).
  const vpc = checks.find((c) => c.id === "vpc-endpoint-service");
  if (vpc?.status === "fail" && vpc.kmsOutcome) return { predictedException: vpc.kmsOutcome.exception, predictedConnectionErrorCode: vpc.kmsOutcome.connectionErrorCode };
  for (const id of PREDICTING) {
    const c = checks.find((x) => x.id === id);
    if (c?.status === "fail" && c.failure) {
      const outcome = KMS_FAILURE_OUTCOMES[c.failure];
      return { predictedException: outcome.createUpdate ?? null, predictedConnectionErrorCode: outcome.connectionErrorCode ?? null };
    }
  }
  const latency = checks.find((x) => x.id === "latency");
  if (latency?.status === "fail" && latency.failure) {
    // UpdateCustomKeyStore makes one call; over budget it may or may not time out, so predict the timeout.
    const outcome = KMS_FAILURE_OUTCOMES[latency.failure];
    return { predictedException: outcome.createUpdate ?? null, predictedConnectionErrorCode: outcome.connectionErrorCode ?? null };
  }
  return { predictedException: null, predictedConnectionErrorCode: null };
}

/** Where a VPC store's network checks ran from, and when KMS itself first reaches the proxy. */
function vpcNotes(o: CheckOptions): string[] {
  return [
    `VPC_ENDPOINT_SERVICE: dns … continuity ran against ${o.settings.endpoint} (the service's private DNS name) from where this harness runs, as a client inside the VPC reaches it; KMS reaches the proxy through an interface endpoint of the service`,
    "KMS itself first connects to the proxy at ConnectCustomKeyStore (CreateCustomKeyStore of a VPC store calls no proxy): a passing Create or Update is no proof that KMS can reach it",
  ];
}

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const checks: CheckResult[] = [inputCheck(options)];
  const started = performance.now();
  if (checks[0]!.status === "fail") {
    for (const s of STEPS) checks.push({ id: s.id, title: CHECK_TITLES[s.id], status: "skip", detail: "skipped: the input breaks UpdateCustomKeyStore's rules", ms: 0 });
    return { verdict: "fail", ...predict(checks), checks, timings: { ...emptyTimings(), totalMs: performance.now() - started } };
  }
  const ctx = createContext(options);
  try {
    for (const step of STEPS) {
      const blocked = step.needs.map((id) => checks.find((c) => c.id === id)!).find((c) => c.status === "fail" || c.status === "skip");
      const na = step.notApplicable?.(options);
      if (blocked || na) {
        checks.push({ id: step.id, title: CHECK_TITLES[step.id], status: "skip", detail: blocked ? `skipped: ${blocked.id} ${blocked.status === "fail" ? "failed" : "was skipped"}${blocked.skipReason ? `: ${blocked.skipReason}` : ""}` : `skipped: ${na}`, ms: 0, skipReason: blocked?.skipReason });
        continue;
      }
      checks.push(await step.run(ctx));
    }
  } finally {
    await ctx.close();
  }
  const verdict = checks.some((c) => c.status === "fail") ? "fail" : "pass";
  return {
    verdict,
    ...predict(checks),
    checks,
    ...(options.connectivity === "VPC_ENDPOINT_SERVICE" ? { notes: vpcNotes(options) } : {}),
    timings: { ...ctx.timings, totalMs: performance.now() - started },
    ...(options.verbose ? { verbose: ctx.verbose } : {}),
  };
}
