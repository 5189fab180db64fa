/**
 * @module harness/check/input
 * Check 1, offline: every rule UpdateCustomKeyStore applies to its input (KMS API model), so a bad value is
 * caught before any network traffic. With --dev, rules that only real KMS needs become warnings.
 */
import { XKS_API_SUFFIX } from "../../src/xks/constants.js";
import { REGION_PATTERN, checkKmsField, formatViolation, type RuleViolation } from "../../src/xks/kms-rules.js";
import { XKS_LIMITS } from "../../src/xks/limits.js";
import { parseEndpoint } from "../common/endpoint.js";
import type { XksSettings } from "../common/settings.js";
import { CHECK_TITLES, type CheckOptions, type CheckResult } from "./types.js";

export interface InputProblem {
  severity: "error" | "warn";
  message: string;
  /** A rule only real KMS needs (port, localhost/IP host): --dev turns it into a warning. */
  local?: boolean;
}

/** The longest operation suffix of a key URI (the spec's URI path rules). */
const LONGEST_KEY_URI_SUFFIX = "/metadata";

function settingsProblems(s: XksSettings, label: string, dev: boolean): InputProblem[] {
  const problems: InputProblem[] = [];
  const add = (v: RuleViolation | undefined, severity: InputProblem["severity"] = "error") => {
    if (v) problems.push({ severity, message: formatViolation({ ...v, field: `${label}${v.field}` }) });
  };
  const ep = parseEndpoint(s.endpoint);
  if (!ep) {
    problems.push({ severity: "error", message: `${label}XksProxyUriEndpoint is not an https:// URL. Fix: give https://<dns name> of the proxy` });
  } else {
    // KMS's rule has no room for a port: check the endpoint without it, and treat the port on its own.
    const withoutPort = ep.explicitPort ? s.endpoint.replace(/:\d+\/?$/, "") : s.endpoint;
    add(checkKmsField("XksProxyUriEndpoint", withoutPort.replace(/\/$/, "")));
    const devRule = dev ? "warn" : "error";
    if (ep.explicitPort) problems.push({ severity: devRule, local: true, message: `${label}XksProxyUriEndpoint has port ${ep.port}: KMS always connects to 443 and rejects a port. Fix: serve the proxy on 443 and drop the port` });
    if (ep.isIp) problems.push({ severity: devRule, local: true, message: `${label}XksProxyUriEndpoint is an IP address: the spec requires a fully qualified DNS name matching the certificate. Fix: use the proxy's DNS name` });
    else if (!ep.host.includes(".")) problems.push({ severity: devRule, local: true, message: `${label}XksProxyUriEndpoint host ${ep.host} is not a fully qualified domain name. Fix: use the proxy's public DNS name` });
  }
  add(checkKmsField("XksProxyUriPath", s.path));
  if (!s.path.endsWith(XKS_API_SUFFIX)) problems.push({ severity: "warn", message: `${label}XksProxyUriPath does not end in ${XKS_API_SUFFIX}: this harness speaks XKS API v1 only` });
  add(checkKmsField("AccessKeyId", s.accessKeyId, `${label}XksProxyAuthenticationCredential.AccessKeyId`));
  add(checkKmsField("RawSecretAccessKey", s.secretAccessKey, `${label}XksProxyAuthenticationCredential.RawSecretAccessKey`));
  return problems;
}

export function inputProblems(o: CheckOptions): InputProblem[] {
  const problems = settingsProblems(o.settings, "", o.dev);
  if (o.current) problems.push(...settingsProblems(o.current, "current ", o.dev));
  if (!REGION_PATTERN.test(o.region)) problems.push({ severity: "error", message: `--region ${o.region} is not a region name. Fix: e.g. us-east-1` });
  if (o.connectivity === "VPC_ENDPOINT_SERVICE") {
    const v = checkKmsField("XksProxyVpcEndpointServiceName", o.vpcEndpointServiceName);
    if (v) problems.push({ severity: "error", message: formatViolation(v) });
    if (o.vpcEndpointServiceOwner !== undefined) {
      const owner = checkKmsField("XksProxyVpcEndpointServiceOwner", o.vpcEndpointServiceOwner);
      if (owner) problems.push({ severity: "error", message: formatViolation(owner) });
    }
  } else {
    if (o.vpcEndpointServiceName !== undefined) {
      problems.push({ severity: "error", message: "XksProxyVpcEndpointServiceName is only allowed with XksProxyConnectivity VPC_ENDPOINT_SERVICE. Fix: drop it or set --connectivity VPC_ENDPOINT_SERVICE" });
    }
    if (o.vpcEndpointServiceOwner !== undefined) {
      problems.push({ severity: "error", message: "XksProxyVpcEndpointServiceOwner is only allowed with XksProxyConnectivity VPC_ENDPOINT_SERVICE. Fix: drop --vpc-endpoint-service-owner or set --connectivity VPC_ENDPOINT_SERVICE" });
    }
  }
  for (const keyId of o.keyIds) {
    const v = checkKmsField("XksKeyId", keyId);
    if (v) problems.push({ severity: "error", message: formatViolation(v) });
    if (keyId === "." || keyId === "..") problems.push({ severity: "error", message: `XksKeyId "${keyId}" cannot be routed: HTTP clients remove dot segments. Fix: rename the external key` });
    const uriLength = o.settings.endpoint.length + o.settings.path.length + "/keys/".length + keyId.length + LONGEST_KEY_URI_SUFFIX.length;
    if (uriLength > XKS_LIMITS.maxUriChars) {
      problems.push({ severity: "error", message: `key ${keyId.slice(0, 40)}: its URI would be ${uriLength} chars; the spec allows ${XKS_LIMITS.maxUriChars}. Fix: shorten the path prefix or the key id` });
    }
  }
  return problems;
}

export function inputCheck(o: CheckOptions): CheckResult {
  const start = performance.now();
  const problems = inputProblems(o);
  const errors = problems.filter((p) => p.severity === "error");
  const warns = problems.filter((p) => p.severity === "warn");
  const status = errors.length ? "fail" : warns.length ? "warn" : "pass";
  // Errors first: the first line of a failing row is what stops the run.
  const ordered = [...errors, ...warns];
  const onlyLocal = errors.length > 0 && errors.every((p) => p.local);
  return {
    id: "input",
    title: CHECK_TITLES["input"],
    status,
    detail: ordered.length ? ordered.map((p) => `${p.severity === "error" ? "" : "(warning) "}${p.message}`).join("\n") : "endpoint, path, credential, connectivity and key ids follow the KMS API rules",
    ms: performance.now() - start,
    fix: onlyLocal
      ? "only rules real KMS needs are broken (a port, localhost or an IP), and KMS would reject them with a ValidationException: to test a local proxy, pass --dev; for real KMS, serve the proxy on 443 under its DNS name"
      : errors.length
        ? "correct the values named above; KMS would reject them with a ValidationException"
        : warns.length
          ? "fine for local use; real KMS needs these fixed"
          : undefined,
    data: { problems },
  };
}
