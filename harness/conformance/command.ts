/**
 * @module harness/conformance/command
 * `xks-harness conformance`: flags → target (optionally a container started for the run) → suite → report.
 * Exit 0 when no MUST case failed, 1 otherwise, 2 bad usage.
 */
import { writeFileSync } from "node:fs";
import { readCaFiles, readText, resolveSettings, UsageError, type CheckFlags } from "../check/options.js";
import { outputPathProblem } from "../report/output-path.js";
import { parseEndpoint } from "../check/endpoint.js";
import { colorWanted, painter } from "../report/style.js";
import { conformanceHuman, conformanceJson, conformanceJunit } from "./report.js";
import { runConformance } from "./run-conformance.js";
import type { ConformanceTarget } from "./types.js";

export interface ConformanceFlags extends Omit<CheckFlags, "connectivity" | "verbose"> {
  encryptOnlyKeyId?: string;
  decryptOnlyKeyId?: string;
  impotentKeyId?: string;
  disabledKeyId?: string;
  secondAccessKeyId?: string;
  clientCert?: string;
  clientKey?: string;
  clientCaCert?: string;
  clientCaKey?: string;
  image?: string;
  imagePort: number;
  imageEnv: string[];
  imageConfig?: string;
  imageConfigPath: string;
  imageFile: string[];
  imageCaPath?: string;
  json: boolean;
  junit?: string;
  color: boolean;
  verbose: boolean;
}

export const SECOND_SECRET_ENV = "XKS_SECOND_SECRET_ACCESS_KEY";


function pair(a: string | undefined, b: string | undefined, flags: string): { cert: string; key: string } | undefined {
  if (!a && !b) return undefined;
  if (!a || !b) throw new UsageError(`${flags} go together`);
  return { cert: readText(a, flags), key: readText(b, flags) };
}

export function toTarget(f: ConformanceFlags, env: NodeJS.ProcessEnv, endpointOverride?: string): ConformanceTarget {
  const { settings } = resolveSettings({ ...f, endpoint: endpointOverride ?? f.endpoint, connectivity: "PUBLIC_ENDPOINT", verbose: false } as CheckFlags, env);
  if (!parseEndpoint(settings.endpoint)) throw new UsageError(`--endpoint ${settings.endpoint} is not an https:// URL`);
  if (f.keyId.length !== 1) throw new UsageError("give exactly one --key-id: a key with ENCRYPT and DECRYPT");
  let secondCredential: ConformanceTarget["secondCredential"];
  if (f.secondAccessKeyId) {
    const secret = env[SECOND_SECRET_ENV];
    if (!secret) throw new UsageError(`--second-access-key-id needs its secret in ${SECOND_SECRET_ENV}`);
    secondCredential = { accessKeyId: f.secondAccessKeyId, secretAccessKey: secret };
  }
  return {
    settings,
    region: f.region,
    keyId: f.keyId[0]!,
    encryptOnlyKeyId: f.encryptOnlyKeyId,
    decryptOnlyKeyId: f.decryptOnlyKeyId,
    impotentKeyId: f.impotentKeyId,
    disabledKeyId: f.disabledKeyId,
    secondCredential,
    extraCa: readCaFiles(f.ca),
    clientCert: pair(f.clientCert, f.clientKey, "--client-cert and --client-key"),
    clientCa: pair(f.clientCaCert, f.clientCaKey, "--client-ca-cert and --client-ca-key"),
    timeoutMs: f.timeoutMs,
  };
}

export async function conformanceCommand(f: ConformanceFlags, env: NodeJS.ProcessEnv): Promise<number> {
  // Every usage problem, output paths included, comes before the first packet and before a container starts.
  const junitProblem = f.junit ? outputPathProblem(f.junit, "--junit") : undefined;
  if (junitProblem) throw new UsageError(junitProblem);
  if (f.image) {
    // The endpoint is known once the container is up; everything else is resolved (and refused) now.
    const target = toTarget(f, env, "https://localhost");
    const { runAgainstImage } = await import("./container.js");
    return runAgainstImage(f, env, ({ endpoint, extraCa }) =>
      runAndReport({ ...target, settings: { ...target.settings, endpoint }, extraCa: [...target.extraCa, ...extraCa], image: { name: f.image!, caPath: f.imageCaPath } }, f),
    );
  }
  if (f.imageCaPath !== undefined) throw new UsageError("--image-ca-path goes with --image (with --endpoint, give the CA with --ca)");
  if (!f.endpoint) throw new UsageError("give --endpoint (or --image)");
  return runAndReport(toTarget(f, env), f);
}

async function runAndReport(target: ConformanceTarget, f: ConformanceFlags): Promise<number> {
  const report = await runConformance(target);
  process.stdout.write(f.json ? conformanceJson(report, target) : conformanceHuman(report, target, painter(colorWanted(process.stdout, !f.color)), f.verbose));
  if (f.junit) writeFileSync(f.junit, conformanceJunit(report));
  return report.ok ? 0 : 1;
}
