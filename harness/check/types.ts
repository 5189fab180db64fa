/**
 * @module harness/check/types
 * A check's result is data, never an exception: a non-conforming proxy is what the harness exists to describe.
 */
import type { ProxyFailure } from "../../src/xks/kms-failures.js";

export const CHECK_IDS = ["input", "dns", "tcp", "tls", "auth", "rejects-bad-signature", "path", "latency", "keys", "continuity"] as const;
export type CheckId = (typeof CHECK_IDS)[number];
export type CheckStatus = "pass" | "warn" | "fail" | "skip";

export interface CheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** What was expected and what came back, in one or two sentences. */
  detail: string;
  ms: number;
  /** One line: what to change so this check passes. Present on fail and warn. */
  fix?: string | undefined;
  /** What KMS would see, for the prediction of UpdateCustomKeyStore's outcome. */
  failure?: ProxyFailure | undefined;
  /** Measurements a report may show (timings, negotiated TLS, ...). */
  data?: Record<string, unknown> | undefined;
}

/** Connection settings of a key store: what UpdateCustomKeyStore would set. */
export interface XksSettings {
  endpoint: string;
  path: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export type Connectivity = "PUBLIC_ENDPOINT" | "VPC_ENDPOINT_SERVICE";

export interface CheckOptions {
  settings: XksSettings;
  /** The settings in force now, for the continuity check. */
  current?: XksSettings | undefined;
  region: string;
  connectivity: Connectivity;
  vpcEndpointServiceName?: string | undefined;
  keyIds: string[];
  /** Extra trust anchors (PEM), added to Node's bundled roots. */
  extraCa: string[];
  /** Local use: rules that only matter to real KMS become warnings. */
  dev: boolean;
  /** Bound on each network step. */
  timeoutMs: number;
  /** A snapshot file made by `xks-harness snapshot`, decrypted with the new settings. */
  snapshot?: import("./snapshot.js").Snapshot | undefined;
  /** Print the canonical request and string to sign of the auth check. */
  verbose: boolean;
}

export interface CheckReport {
  verdict: "pass" | "fail";
  predictedException: string | null;
  predictedConnectionErrorCode: string | null;
  checks: CheckResult[];
  timings: Record<string, number | null>;
  verbose?: string[];
}
