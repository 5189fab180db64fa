/**
 * @module harness/check/types
 * A check's result is data, never an exception: a non-conforming proxy is what the harness exists to describe.
 */
import type { ProxyFailure } from "../../src/xks/kms-failures.js";
import type { XksConnectivity } from "../../src/xks/kms-rules.js";
import type { ClientCertificatePem } from "../../src/pki/client-certificate.js";
import type { XksSettings } from "../common/settings.js";
import type { ResultStatus } from "../report/result-status.js";

export const CHECK_IDS = ["input", "vpc-endpoint-service", "dns", "tcp", "tls", "auth", "rejects-bad-signature", "path", "latency", "keys", "continuity"] as const;
export type CheckId = (typeof CHECK_IDS)[number];
/** What each check proves, in one line: the title every report shows. */
export const CHECK_TITLES: Record<CheckId, string> = {
  input: "UpdateCustomKeyStore input rules",
  "vpc-endpoint-service": "VPC endpoint service as KMS requires it (EC2)",
  dns: "DNS resolution (IPv4)",
  tcp: "TCP connect",
  tls: "TLS handshake and certificate",
  auth: "GetHealthStatus with the new credential",
  "rejects-bad-signature": "Refuses a wrong secret and a stale signature",
  path: "Wrong path prefix gets InvalidUriPathException",
  latency: "Latency against KMS's 250 ms budget",
  keys: "External keys: metadata and round trip",
  continuity: "Same key material under the new settings",
};

export interface CheckResult {
  id: CheckId;
  title: string;
  status: ResultStatus;
  /** What was expected and what came back, in one or two sentences. */
  detail: string;
  ms: number;
  /** One line: what to change so this check passes. Present on fail and warn. */
  fix?: string | undefined;
  /** Why the checks that need this one are skipped, when "<id> failed" says too little (e.g. mTLS without a certificate). */
  skipReason?: string | undefined;
  /** What KMS would see, for the prediction of UpdateCustomKeyStore's outcome. */
  failure?: ProxyFailure | undefined;
  /** What KMS raises for a failure that is not the proxy's (the VPC endpoint service): Create/Update's exception, Connect's code. */
  kmsOutcome?: { exception: string; connectionErrorCode: string | null } | undefined;
  /** Measurements a report may show (timings, negotiated TLS, ...). */
  data?: Record<string, unknown> | undefined;
}

export type Connectivity = XksConnectivity;

export interface CheckOptions {
  settings: XksSettings;
  /** The settings in force now, for the continuity check. */
  current?: XksSettings | undefined;
  region: string;
  connectivity: Connectivity;
  vpcEndpointServiceName?: string | undefined;
  /** XksProxyVpcEndpointServiceOwner (--vpc-endpoint-service-owner); absent: the caller's account, as KMS. */
  vpcEndpointServiceOwner?: string | undefined;
  /** Where the vpc-endpoint-service check reads EC2: --ec2-endpoint, --profile; the standard credential chain reads `env`. */
  ec2?: { endpoint?: string | undefined; profile?: string | undefined; env: NodeJS.ProcessEnv } | undefined;
  /** `update` only: the other stores of the region using the same endpoint service (undefined: not looked up). */
  vpcServiceUsers?: { id: string; name: string }[] | undefined;
  keyIds: string[];
  /** Extra trust anchors (PEM), added to Node's bundled roots. */
  extraCa: string[];
  /** The mTLS client certificate every connection of the run presents (--client-cert/--client-key). @default none */
  clientCert?: ClientCertificatePem | undefined;
  /** Local use: rules that only matter to real KMS become warnings. */
  dev: boolean;
  /** Bound on each network step. */
  timeoutMs: number;
  /** A snapshot file made by `xks-harness snapshot`, decrypted with the new settings. */
  snapshot?: import("./snapshot.js").Snapshot | undefined;
  /** Print the canonical request and string to sign of the auth check. */
  verbose: boolean;
}

/** Phase times a report carries, in ms; null where the phase did not run. */
export type CheckTimings = Record<"dnsMs" | "tcpMs" | "tlsMs" | "authMs" | "latencyP50Ms" | "latencyMaxMs" | "totalMs", number | null>;

export function emptyTimings(): CheckTimings {
  return { dnsMs: null, tcpMs: null, tlsMs: null, authMs: null, latencyP50Ms: null, latencyMaxMs: null, totalMs: null };
}

export interface CheckReport {
  verdict: "pass" | "fail";
  predictedException: string | null;
  predictedConnectionErrorCode: string | null;
  checks: CheckResult[];
  /** What a reader must know to read the verdict right (e.g. where a VPC store's network checks ran from). */
  notes?: string[];
  timings: CheckTimings;
  verbose?: string[];
}
