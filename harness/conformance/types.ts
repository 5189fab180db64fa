/**
 * @module harness/conformance/types
 * A conformance case: one rule of the spec (or one case of the AWS test client), checked strictly.
 */
import type { XksClient, XksClientOptions } from "../../src/client/index.js";
import type { ProxyFailure } from "../../src/xks/kms-failures.js";
import type { XksSettings } from "../common/settings.js";
import type { ResultStatus } from "../report/result-status.js";

/** MUST and PARITY failures fail the run; SHOULD failures only warn. */
export type CaseLevel = "MUST" | "SHOULD" | "PARITY";

/** Which optional inputs a case needs; without them it is skipped and listed as skipped. */
export type CaseNeed = "encryptOnlyKey" | "decryptOnlyKey" | "impotentKey" | "disabledKey" | "secondCredential" | "mtls" | "mtlsClientCa";

export interface CaseOutcome {
  pass: boolean;
  expected: string;
  actual: string;
}

export interface ConformanceCase {
  id: string;
  title: string;
  /** Where the rule is: a spec section, and the AWS test client's case number when it has one. */
  section: string;
  level: CaseLevel;
  needs?: CaseNeed[];
  run(ctx: ConformanceContext): Promise<CaseOutcome>;
}

export interface ConformanceTarget {
  settings: XksSettings;
  region: string;
  keyId: string;
  encryptOnlyKeyId?: string | undefined;
  decryptOnlyKeyId?: string | undefined;
  impotentKeyId?: string | undefined;
  disabledKeyId?: string | undefined;
  secondCredential?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Trust anchors (PEM) for the proxy's certificate, in addition to Node's roots. */
  extraCa: string[];
  /** Client certificate for a proxy that requires mTLS. */
  clientCert?: { cert: string; key: string } | undefined;
  /** The CA that signs client certificates, to mint a wrong-subject certificate (dev only). */
  clientCa?: { cert: string; key: string } | undefined;
  timeoutMs: number;
  /** Set when the run started the proxy from an image (--image): its setup advice names the image flags. */
  image?: { name: string; caPath?: string | undefined } | undefined;
}

export interface ConformanceContext {
  target: ConformanceTarget;
  /** A client signing with the target's credential (and its client certificate). */
  client: XksClient;
  /** Another client: other settings or TLS options. Closed at the end of the run. */
  clientWith(o: { settings?: Partial<XksSettings>; tls?: Partial<XksClientOptions> }): XksClient;
}

export interface CaseResult {
  id: string;
  title: string;
  section: string;
  level: CaseLevel;
  status: ResultStatus;
  expected: string;
  actual: string;
  ms: number;
  /** What to change, when the run's settings (not the proxy) are at fault: the setup result only. */
  fix?: string;
}

/** Why the suite did not run. */
export interface SetupFailure {
  /** What KMS would see making the same call. */
  failure: ProxyFailure;
  /** Short, for the skip reason of every case. */
  summary: string;
  /** What happened, with the evidence (status, error code). */
  cause: string;
  fix: string;
}

export interface ConformanceReport {
  results: CaseResult[];
  /** Set when the health call with the given settings failed (setup-check.ts): no case ran. */
  setupError?: SetupFailure;
  passed: number;
  failed: number;
  warned: number;
  skipped: number;
  /** True when no MUST or PARITY case failed. */
  ok: boolean;
  ms: number;
}
