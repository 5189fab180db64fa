/**
 * The real components the tests drive (Chromium, Prometheus, Artillery on Node 24): a machine without one skips
 * its tests and says why; CI (CI=true), where .ci/run installs them all, fails instead, so a broken install can
 * never pass as a skip.
 */
export function missingComponent(why: string | undefined): string | undefined {
  if (why !== undefined && process.env.CI === "true") throw new Error(`${why} (CI=true: .ci/run must install it)`);
  return why;
}
