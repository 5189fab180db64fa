/**
 * The browser probe behind test/report-html.test.ts can fail: a page that fetches is seen fetching, and a page
 * whose CSP blocks a fetch is seen trying it and logging the violation as an error. Without this, "no request, no console
 * error" could be a probe that sees nothing. Also: a hostile proxy's text stays text on the page, and the load
 * charts (html-charts.ts) render in the shared shell.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { emptyTimings, type CheckReport } from "../harness/check/types.js";
import { checkHtml } from "../harness/report/html-check.js";
import { percentileCurveSvg, rateStepsSvg } from "../harness/report/html-charts.js";
import { HTML_CSP, esc, htmlPage } from "../harness/report/html.js";
import { CHROMIUM, visitHtml } from "./helpers/headless-chromium.js";

const dir = mkdtempSync(join(tmpdir(), "xks-report-html-browser-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Port 9 (discard) on loopback: nothing answers, and nothing leaves the machine.
const FETCHING_IMG = '<img src="http://127.0.0.1:9/pixel.png" alt="">';

if (!CHROMIUM) it.skip("the browser probe: `chromium` is not on PATH (Debian: apt-get install chromium; .ci/run installs it)", () => undefined);

describe.runIf(CHROMIUM)("the headless Chromium probe", () => {
  it("sees a request a page makes when no CSP stops it", async () => {
    const file = join(dir, "fetching.html");
    writeFileSync(file, `<!doctype html><html><body><p>fetching</p>${FETCHING_IMG}</body></html>`);
    const visit = await visitHtml(file, { screenshot: join(dir, "fetching.png"), width: 800, height: 600 });
    expect(visit.requests).toContain("http://127.0.0.1:9/pixel.png");
    expect(visit.text).toContain("fetching");
  });

  it("sees the report shell's CSP refuse a fetch, as a console error", async () => {
    const file = join(dir, "blocked.html");
    writeFileSync(file, `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${esc(HTML_CSP)}"></head><body><p>blocked</p>${FETCHING_IMG}</body></html>`);
    const visit = await visitHtml(file, { screenshot: join(dir, "blocked.png"), width: 800, height: 600 });
    expect(visit.consoleErrors.join("\n")).toMatch(/Content Security Policy/);
    // Chromium reports the attempt before the CSP refuses it: "only the file was requested" means the page tried nothing.
    expect(visit.requests).toContain("http://127.0.0.1:9/pixel.png");
  });

  it("a hostile proxy's text (a health answer's vendor, an error message) is shown as text: no markup, no fetch", async () => {
    // What a proxy controls reaches `detail`: it must not become a script, an attribute or an image.
    const hostile = `<script>console.error("ran")</script>"><img src="http://127.0.0.1:9/x.png"><svg onload=alert(1)>`;
    const report: CheckReport = {
      verdict: "fail",
      predictedException: "XksProxyInvalidResponseException",
      predictedConnectionErrorCode: "XKS_PROXY_INVALID_RESPONSE",
      checks: [{ id: "auth", title: "GetHealthStatus with the new credential", status: "fail", detail: `200 from ${hostile}`, ms: 3, fix: hostile }],
      notes: [hostile],
      timings: { ...emptyTimings(), dnsMs: 1, tcpMs: 2, tlsMs: 3, authMs: 4 },
    };
    const file = join(dir, "hostile.html");
    const html = checkHtml(report, { endpoint: "https://xks.example.com", path: "/p/kms/xks/v1", accessKeyId: "AKIDEXAMPLEEXAMPLE01", region: "us-east-1" });
    writeFileSync(file, html);
    expect(html).not.toMatch(/<script|<img|<svg onload/i);
    const visit = await visitHtml(file, { screenshot: join(dir, "hostile.png"), width: 800, height: 600 });
    expect(visit.consoleErrors).toEqual([]);
    expect(visit.requests).toEqual([pathToFileURL(file).href]);
    expect(visit.text).toContain('<script>console.error("ran")</script>');
    expect(visit.text).toMatch(/FAIL[\s\S]*XksProxyInvalidResponseException[\s\S]*XKS_PROXY_INVALID_RESPONSE/);
  });

  it("the load charts (percentile curve, rate per step) render in the shell without an error", async () => {
    const curve = percentileCurveSvg([
      { label: "50 req/s", points: [[50, 4], [90, 9], [99, 30], [99.9, 80]] },
      { label: "<b>1000</b> req/s", points: [[50, 40], [90, 120], [99, 260], [99.9, 400]] },
    ]);
    const rates = rateStepsSvg([
      { label: "50 req/s", targetRate: 50, achievedRate: 49.8, pass: true },
      { label: "1000 req/s", targetRate: 1000, achievedRate: 610, pass: false },
    ]);
    const file = join(dir, "charts.html");
    const html = htmlPage({ tool: "xks-harness load", subject: "https://xks.example.com/p/kms/xks/v1", verdict: { ok: false, label: "FAIL", text: "charts" }, facts: [], sections: [{ title: "Latency", body: curve }, { title: "Rate", body: rates }] });
    writeFileSync(file, html);
    expect(html).toContain("&lt;b&gt;1000&lt;/b&gt; req/s");
    const visit = await visitHtml(file, { screenshot: join(dir, "charts.png"), width: 800, height: 900 });
    expect(visit.consoleErrors).toEqual([]);
    expect(visit.requests).toEqual([pathToFileURL(file).href]);
    expect(visit.text).toContain("FAIL");
  });
});
