/**
 * @module harness/load/verdict
 * How a whole load run is judged, apart from how it is shown (report.ts, html-load.ts). A step passes by its limits
 * (step.ts `judgeStep`); a part of a step cut short by Ctrl-C is no evidence for its rate, so a stopped run's
 * verdict is "stopped" (exit 130, 128 + SIGINT, as a shell reports a Ctrl-C). --find-max fails only when a step
 * failed while the highest passing rate was below KMS's quota; when every tested step passed it passes and says
 * the rates above the last one were not tested.
 */
import { DEFAULT_XKS_TPS } from "../../src/xks/constants.js";
import { judgeStep, type StepRun } from "./step.js";

export type LoadVerdict = "pass" | "fail" | "stopped";
/** A step's: "stopped" when Ctrl-C cut it short before it broke a limit. */
export type StepStatus = "pass" | "fail" | "stopped";

/** The exit code of a run stopped by Ctrl-C. */
export const EXIT_STOPPED = 130;

/** What the verdict reads of a run: its steps, what was planned, whether it was stopped. */
export interface JudgedRun {
  steps: StepRun[];
  findMax: boolean;
  stopped: boolean;
  /** The rates planned (one, or --find-max's from..to). */
  rates: number[];
  /** Seconds planned per step (--duration). */
  durationS: number;
}

export function stepStatus(s: StepRun): StepStatus {
  if (!judgeStep(s).pass) return "fail";
  return s.stopped ? "stopped" : "pass";
}

export interface FindMaxResult {
  /** The highest rate whose step ran in full and passed, or 0. */
  highestPassedRate: number;
  quota: number;
  /** A step failed: the proxy's limit lies between the highest passing rate and that step's. */
  limitFound: boolean;
  /** No step failed and the run was not stopped: the last rate tried; nothing above it was tested. */
  untestedAbove: number | null;
  /** What to do, when the result falls short of KMS's quota. */
  advice?: string;
  pass: boolean;
}

/** What to do when the proxy cannot serve KMS's default request quota. */
export function belowQuotaAdvice(max: number): string {
  return (
    `The highest rate that passed, ${max} req/s, is below the ${DEFAULT_XKS_TPS} req/s KMS may send an external key ` +
    "store (its default quota): at busy times KMS calls will time out and its callers get KMSInvalidStateException. " +
    "Fix: add proxies behind the load balancer (then run load again), or ask AWS to lower the key store's request " +
    "quota so excess calls fail fast with a throttle instead of timing out."
  );
}

/** What to do when every tested rate passed but the highest is below KMS's quota. */
export function untestedAdvice(last: number, endedBy: string): string {
  return (
    `Every step passed, but rates above ${last} req/s were not tested (${endedBy}), and KMS may send an external ` +
    `key store ${DEFAULT_XKS_TPS} req/s (its default quota). To show this proxy serves that: run load --find-max ` +
    `again with --to ${DEFAULT_XKS_TPS} or more.`
  );
}

/** The same in one line for a run whose tested rates reach the quota. */
export function untestedNote(last: number, endedBy: string): string {
  return `Every step passed: the proxy's limit is above ${last} req/s; rates above it were not tested (${endedBy}).`;
}

/** Why the last rate tried was the last: --to, or the --max-requests budget. */
export function untestedReason(r: JudgedRun, last: number): string {
  return last >= Math.max(...r.rates) ? "the end of --from/--step/--to" : "--max-requests ended the run";
}

export function findMaxResult(r: JudgedRun): FindMaxResult {
  const statuses = r.steps.map(stepStatus);
  const highestPassedRate = Math.max(0, ...r.steps.filter((_, i) => statuses[i] === "pass").map((s) => s.plan.rate));
  const limitFound = statuses.includes("fail");
  const last = r.steps.at(-1)?.plan.rate;
  const untestedAbove = !limitFound && !r.stopped && last !== undefined ? last : null;
  const quota = DEFAULT_XKS_TPS;
  let advice: string | undefined;
  if (untestedAbove !== null) {
    if (untestedAbove < quota) advice = untestedAdvice(untestedAbove, untestedReason(r, untestedAbove));
  } else if (highestPassedRate < quota && !r.stopped) {
    advice = belowQuotaAdvice(highestPassedRate);
  }
  const pass = r.steps.length > 0 && (untestedAbove !== null || highestPassedRate >= quota);
  return { highestPassedRate, quota, limitFound, untestedAbove, ...(advice ? { advice } : {}), pass };
}

export function loadVerdict(r: JudgedRun): LoadVerdict {
  if (r.stopped) return "stopped";
  if (r.steps.length === 0) return "fail";
  if (r.findMax) return findMaxResult(r).pass ? "pass" : "fail";
  return r.steps.every((s) => stepStatus(s) === "pass") ? "pass" : "fail";
}

/** Seconds the steps ran (the warm-up not counted): for a stopped run, less than planned. */
export function ranS(r: JudgedRun): number {
  return Math.round(r.steps.reduce((ms, s) => ms + s.elapsedMs, 0) / 100) / 10;
}

/** Seconds the steps would run if every one ran in full (--find-max may end sooner, on a failing step). */
export function plannedS(r: JudgedRun): number {
  return r.rates.length * r.durationS;
}
