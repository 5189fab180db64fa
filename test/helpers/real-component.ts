/**
 * The real components the tests drive (Chromium, Prometheus, Artillery on Node 24): a machine without one skips
 * its tests and says why; CI (CI=true), where .ci/run installs them all, fails instead, so a broken install can
 * never pass as a skip.
 */
export function missingComponent(why: string | undefined): string | undefined {
  if (why !== undefined && process.env.CI === "true") throw new Error(`${why} (CI=true: .ci/run must install it)`);
  return why;
}

/**
 * CI runs the suite twice, on the machine's Node and then on Node 24. The tests whose subject is an external tool
 * (real Terraform, Artillery — which runs on Node 24 in both passes anyway — and the packed tarball's install) take
 * minutes and learn nothing new from a second Node, so .ci/run sets XKS_EXTERNAL_TOOL_TESTS=skip for the first
 * pass: they run once, in the Node 24 pass, which is what users run. Returns the reason to skip, printed, or
 * undefined.
 */
export function externalToolPassSkipped(): string | undefined {
  if (process.env.XKS_EXTERNAL_TOOL_TESTS !== "skip") return undefined;
  const reason = "skipped in this pass (XKS_EXTERNAL_TOOL_TESTS=skip): .ci/run runs the external-tool tests once, on Node 24";
  console.warn(reason);
  return reason;
}
