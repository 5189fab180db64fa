/**
 * @module harness/load/artillery/emit
 * `xks-harness load --emit-artillery DIR`: the same load as `load` (phases from --rate/--duration or the
 * --find-max steps, the mix, sizes, keys, KMS operations, p99 budget and error rate) written as an Artillery
 * scenario plus its processor, for fleets that need more load than one machine sends. Nothing is sent, and no
 * secret is written: the processor reads the credential from the environment of `artillery`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { baseUrl, DEFAULT_PRINCIPAL } from "../../../src/client/index.js";
import { outputDirProblem } from "../../common/output-path.js";
import { UsageError } from "../../common/usage-error.js";
import { WARM_UP_CIPHERTEXTS } from "../defaults.js";
import { KMS_OPERATIONS, keyArn } from "../operations.js";
import { LOAD_OPERATIONS, type LoadOperation, type LoadOptions } from "../options.js";
import { emitProcessor, PROCESSOR_FILE } from "./emit-processor.js";
import type { ArtilleryPlan } from "./processor.js";
import { toYaml } from "./yaml.js";

const SCENARIO_FILE = "scenario.yml";

/** The scenario as an object (written as YAML): one phase per rate, one weighted scenario per operation. */
function artilleryScenario(o: LoadOptions): Record<string, unknown> {
  const plan: ArtilleryPlan = {
    region: o.region,
    keys: o.keyIds.map((id) => ({ id, arn: keyArn(id) })),
    principalArn: DEFAULT_PRINCIPAL,
    kmsOperations: KMS_OPERATIONS,
    plaintextBytes: o.plaintextBytes,
    aadBytes: o.aadBytes,
    budgetMs: o.p99BudgetMs,
  };
  const total = LOAD_OPERATIONS.reduce((s, op) => s + o.mix[op], 0);
  // Artillery picks scenarios by weight to 0.01: percentages, never rounded down to nothing.
  const weight = (w: number) => Math.max(0.01, Math.round((w / total) * 10_000) / 100);
  // Artillery wants a url, but the beforeRequest hook (the processor's prepare) always sets the real one, with the
  // key of its turn: so a fixed url per operation. The name is what counts: metrics-by-endpoint reports by it.
  const request = (name: string, op: LoadOperation, hook: string) => ({ post: { url: `/${op}`, name, beforeRequest: hook, afterResponse: "verifyAnswer" } });
  return {
    config: {
      target: baseUrl(o.settings),
      phases: o.rates.map((rate) => ({ name: `${rate} req/s`, duration: o.durationS, arrivalRate: rate })),
      processor: `./${PROCESSOR_FILE}`,
      // A shared keep-alive pool, as KMS keeps its connections open (without it each virtual user connects anew).
      http: { pool: o.connections, timeout: o.timeoutMs / 1000 },
      // ensure checks only run with the plugin named here (Artillery 2.0.34 loads just the plugins listed).
      plugins: { ensure: {}, "metrics-by-endpoint": { useOnlyRequestNames: true } },
      ensure: { maxErrorRate: o.maxErrorRate * 100, conditions: [{ expression: `xks.latency.p99 <= ${o.p99BudgetMs}` }] },
      variables: { xks: plan },
    },
    ...(o.mix.decrypt > 0
      ? { before: { flow: [{ loop: [request("warm-up encrypt", "encrypt", "sealRequest")], count: WARM_UP_CIPHERTEXTS * o.keyIds.length }] } }
      : {}),
    scenarios: LOAD_OPERATIONS.filter((op) => o.mix[op] > 0).map((op) => ({ name: op, weight: weight(o.mix[op]), flow: [request(op, op, `${op}Request`)] })),
  };
}

export interface Emitted {
  dir: string;
  files: string[];
  commands: string[];
}

/** Writes the scenario and the processor into `dir`; UsageError (exit 2) when `dir` cannot take them. */
export function emitArtillery(dir: string, o: LoadOptions, caFiles: string[], clientCert: { cert?: string; key?: string }): Emitted {
  const problem = outputDirProblem(dir, "--emit-artillery");
  if (problem) throw new UsageError(problem);
  mkdirSync(dir, { recursive: true });
  const header = "# Written by `xks-harness load --emit-artillery`: write it again rather than edit it.\n# No secret here: the processor reads XKS_ACCESS_KEY_ID and XKS_SECRET_ACCESS_KEY from the environment.\n";
  writeFileSync(join(dir, SCENARIO_FILE), header + toYaml(artilleryScenario(o)));
  const files = [SCENARIO_FILE, ...emitProcessor(dir)];
  const scenario = join(dir, SCENARIO_FILE);
  const ca = caFiles.map((f) => resolve(f)).join(" and ");
  const commands = [
    `export XKS_ACCESS_KEY_ID=${o.settings.accessKeyId}`,
    "export XKS_SECRET_ACCESS_KEY=…   # the RawSecretAccessKey; never in these files",
    ...(caFiles.length ? [`export NODE_EXTRA_CA_CERTS=${caFiles.length === 1 ? ca : "<one PEM file holding " + ca + ">"}   # the private CA`] : []),
    ...(clientCert.cert && clientCert.key ? [`export XKS_CLIENT_CERT=${resolve(clientCert.cert)} XKS_CLIENT_KEY=${resolve(clientCert.key)}   # mTLS`] : []),
    `artillery run --output report.json ${scenario}`,
    `artillery run-fargate --count N --region ${o.region} --dotenv xks.env ${scenario}   # or --secret XKS_SECRET_ACCESS_KEY (SSM /artilleryio/XKS_SECRET_ACCESS_KEY)`,
    `artillery run-lambda --count N --region ${o.region} --dotenv xks.env ${scenario}`,
  ];
  return { dir, files, commands };
}

/** What `load --emit-artillery` prints. */
export function emittedText(e: Emitted, o: LoadOptions): string {
  const phases = o.rates.map((r) => `${r} req/s`).join(", then ");
  const mix = LOAD_OPERATIONS.filter((op) => o.mix[op] > 0).map((op) => `${op}=${o.mix[op]}`).join(",");
  return [
    `Wrote an Artillery scenario for ${o.settings.endpoint} into ${e.dir} (nothing was sent):`,
    ...e.files.map((f) => `  ${f}`),
    `Phases: ${phases}, ${o.durationS} s each; mix ${mix}; checks: p99 <= ${o.p99BudgetMs} ms, errors <= ${o.maxErrorRate * 100}%.`,
    "",
    "Set the credential in the environment (Artillery 2 needs Node >= 22.18), then run it here:",
    ...e.commands.slice(0, -2).map((c) => `  ${c}`),
    "or on Artillery's AWS runners, each of which sends the whole scenario (N runners send N x the rate):",
    "  (xks.env holds the XKS_* lines above; keep it out of version control)",
    ...e.commands.slice(-2).map((c) => `  ${c}`),
    o.findMax ? "--find-max: the phases run one after another and none stops early; read where p99 and errors rise in Artillery's report." : "",
    "Wrong answers, throttles, KMS timeouts and proxy errors show as errors.* in Artillery's report; xks.ok.<op> counts the right ones.",
    "",
  ].join("\n");
}
