/**
 * @module harness/demo-load-step
 * The demo's load step: `xks-harness load` for 2 s at 200 req/s of KMS-shaped traffic (encrypts, decrypts of
 * warm-up ciphertexts, metadata, health), every answer verified, judged as KMS would (p99 within its 250 ms).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { XksSettings } from "./common/settings.js";
import { KMS_PROXY_TIMEOUT_MS } from "../src/xks/constants.js";
import { DEFAULT_MIX } from "./load/defaults.js";
import { DEFAULT_CONNECTIONS, parseMix } from "./load/options.js";
import { toHuman } from "./load/report.js";
import { loadVerdict } from "./load/verdict.js";
import { runLoad } from "./load/run-load.js";
import { loadHtml } from "./report/html-load.js";
import { painter } from "./report/style.js";

export interface LoadStepInput {
  heading: (text: string) => void;
  out: (text: string) => void;
  expect: (ok: boolean, what: string) => void;
  settings: XksSettings;
  extraCa: string[];
  keyId: string;
}

export async function loadStep(s: LoadStepInput): Promise<void> {
  s.heading("9. capacity: xks-harness load, 200 req/s for 2 s of KMS-shaped traffic, every answer verified");
  const report = await runLoad(
    {
      settings: s.settings,
      region: "us-east-1",
      keyIds: [s.keyId],
      extraCa: s.extraCa,
      timeoutMs: 3000,
      rates: [200],
      findMax: false,
      durationS: 2,
      mix: parseMix(DEFAULT_MIX),
      plaintextBytes: 32,
      aadBytes: 64,
      connections: DEFAULT_CONNECTIONS,
      workers: 1,
      p99BudgetMs: KMS_PROXY_TIMEOUT_MS,
      maxErrorRate: 0.001,
      maxRequests: 400,
      json: false,
      yes: true,
    },
    { stopped: () => false },
  );
  for (const line of toHuman(report, painter(false)).trimEnd().split("\n")) s.out(`  ${line}`);
  s.expect(loadVerdict(report) === "pass", "the proxy served 200 req/s with p99 within KMS's 250 ms and every answer right");
  // Kept after the run (a temp folder), as the check report of step 2: the reader opens it in a browser.
  const htmlFile = join(mkdtempSync(join(tmpdir(), "xks-demo-report-")), "load-report.html");
  const html = loadHtml(report);
  writeFileSync(htmlFile, html);
  s.out(`\n  $ xks-harness load … (same flags) --html ${htmlFile}\n  wrote the HTML report: ${htmlFile}`);
  s.expect(!html.includes(s.settings.secretAccessKey), "the load HTML report (verdict, steps, KMS's view, charts) holds no secret");
}
