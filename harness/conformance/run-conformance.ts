/**
 * @module harness/conformance/run-conformance
 * One loop over the case table, after a setup call (setup-check.ts): when the given settings cannot reach the
 * proxy, that is the run's one failure and every case is skipped with the reason. A case whose optional input is
 * missing is skipped and says which; a case that throws (no answer at all) fails with the reason. MUST and PARITY
 * failures fail the run; SHOULD failures warn.
 */
import { trustAnchors } from "../../src/client/index.js";
import { createClientSet } from "../common/client-set.js";
import { checkSetup } from "./setup-check.js";
import { CONFORMANCE_SUITE } from "./suite.js";
import type { CaseNeed, CaseResult, ConformanceCase, ConformanceContext, ConformanceReport, ConformanceTarget, SetupFailure } from "./types.js";
import { errorWords, libraryText } from "../../src/error-words.js";

/** The id of the result a failed setup call gives (it is not a case of the suite). */
export const SETUP_CASE_ID = "setup";

/** What each need asks of the target, and the flag that provides it. */
const NEEDS: Record<CaseNeed, { flag: string; met: (t: ConformanceTarget) => boolean }> = {
  encryptOnlyKey: { flag: "--encrypt-only-key-id", met: (t) => !!t.encryptOnlyKeyId },
  decryptOnlyKey: { flag: "--decrypt-only-key-id", met: (t) => !!t.decryptOnlyKeyId },
  impotentKey: { flag: "--impotent-key-id", met: (t) => !!t.impotentKeyId },
  disabledKey: { flag: "--disabled-key-id", met: (t) => !!t.disabledKeyId },
  secondCredential: { flag: "--second-access-key-id", met: (t) => !!t.secondCredential },
  mtls: { flag: "--client-cert/--client-key", met: (t) => !!t.clientCert },
  mtlsClientCa: { flag: "--client-ca-cert/--client-ca-key", met: (t) => !!t.clientCa },
};

function createContext(target: ConformanceTarget): ConformanceContext & { close(): Promise<void> } {
  // The main client's pool is shared by the cases (parallel-encrypts opens 50 connections at once).
  const clients = createClientSet({ ca: trustAnchors(target.extraCa), region: target.region, timeoutMs: target.timeoutMs, clientCert: target.clientCert, connections: 64 });
  return {
    target,
    client: clients.clientFor(target.settings),
    clientWith: (o) => clients.clientFor({ ...target.settings, ...o.settings }, o.tls),
    close: () => clients.close(),
  };
}

async function runCase(c: ConformanceCase, ctx: ConformanceContext): Promise<CaseResult> {
  const base = { id: c.id, title: c.title, section: c.section, level: c.level };
  const missing = (c.needs ?? []).filter((n) => !NEEDS[n].met(ctx.target));
  if (missing.length) return { ...base, status: "skip", expected: "-", actual: `skipped: needs ${missing.map((n) => NEEDS[n].flag).join(", ")}`, ms: 0 };
  const start = performance.now();
  try {
    const o = await c.run(ctx);
    const status = o.pass ? "pass" : c.level === "SHOULD" ? "warn" : "fail";
    return { ...base, status, expected: o.expected, actual: o.actual, ms: performance.now() - start };
  } catch (err) {
    // The cause in words, the library's code and message after it as evidence.
    const words = errorWords(err, { service: "the proxy" });
    const actual = `no answer: ${words ? `${words.cause} (${libraryText(err)})` : libraryText(err)}`.slice(0, 300);
    return { ...base, status: c.level === "SHOULD" ? "warn" : "fail", expected: "an answer", actual, ms: performance.now() - start };
  }
}

/** The result that stands for a failed setup call: the run's one failure. */
function setupResult(f: SetupFailure, ms: number): CaseResult {
  return { id: SETUP_CASE_ID, title: "Health call with the given settings, before the suite", section: "GetHealthStatus", level: "MUST", status: "fail", expected: "an answer to a health call signed with these settings", actual: f.cause, ms, fix: f.fix };
}

export async function runConformance(target: ConformanceTarget, suite: readonly ConformanceCase[] = CONFORMANCE_SUITE): Promise<ConformanceReport> {
  const start = performance.now();
  const ctx = createContext(target);
  const results: CaseResult[] = [];
  let setupError: SetupFailure | undefined;
  try {
    setupError = await checkSetup(ctx);
    if (setupError) {
      results.push(setupResult(setupError, performance.now() - start));
      const actual = `skipped: the setup call failed (${setupError.summary})`;
      for (const c of suite) results.push({ id: c.id, title: c.title, section: c.section, level: c.level, status: "skip", expected: "-", actual, ms: 0 });
    } else {
      for (const c of suite) results.push(await runCase(c, ctx));
    }
  } finally {
    await ctx.close();
  }
  const count = (s: CaseResult["status"]) => results.filter((r) => r.status === s).length;
  return { results, ...(setupError ? { setupError } : {}), passed: count("pass"), failed: count("fail"), warned: count("warn"), skipped: count("skip"), ok: count("fail") === 0, ms: performance.now() - start };
}
