/**
 * Opens a local HTML file in Debian's headless Chromium and reports what a reader's browser would do with it:
 * console errors (CSP violations included: Chromium logs them as errors), every network request, the visible text,
 * and a PNG screenshot. Driven over the DevTools protocol on `--remote-debugging-pipe` (fds 3 and 4, messages
 * ended by NUL), so no WebSocket client is needed on Node 20.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { hasCommand } from "./cli-process.js";
import { missingComponent } from "./real-component.js";

/** The browser binary, or undefined when this machine has none (the tests then skip and say why; on CI they fail). */
export const CHROMIUM = ["chromium", "chromium-browser"].find(hasCommand);
missingComponent(CHROMIUM ? undefined : "chromium is not on PATH (Debian: apt-get install chromium)");

export interface PageVisit {
  consoleErrors: string[];
  /** URLs of every request the page made, the file itself included. */
  requests: string[];
  text: string;
}

/** Bounds the whole visit: a browser that hangs fails the test instead of stalling it. */
const VISIT_TIMEOUT_MS = 30_000;

export async function visitHtml(file: string, o: { screenshot: string; width: number; height: number }): Promise<PageVisit> {
  if (!CHROMIUM) throw new Error("chromium is not installed");
  const profile = mkdtempSync(join(tmpdir(), "xks-chromium-"));
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  const child = spawn(CHROMIUM, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", `--user-data-dir=${profile}`, "--remote-debugging-pipe", "about:blank"], {
    stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
    // A process group of its own, so the cleanup below reaches every process the browser started.
    detached: true,
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const cdp = new PipeCdp(child);
  const timer = setTimeout(() => cdp.fail(new Error(`chromium did not finish within ${VISIT_TIMEOUT_MS} ms; its stderr ends: ${stderr}`)), VISIT_TIMEOUT_MS);
  try {
    const { targetId } = (await cdp.send("Target.createTarget", { url: "about:blank" })) as { targetId: string };
    const { sessionId } = (await cdp.send("Target.attachToTarget", { targetId, flatten: true })) as { sessionId: string };
    const visit: PageVisit = { consoleErrors: [], requests: [], text: "" };
    cdp.on(sessionId, (method, params) => {
      const p = params as Record<string, any>;
      if (method === "Runtime.consoleAPICalled" && (p.type === "error" || p.type === "assert")) visit.consoleErrors.push(JSON.stringify(p.args));
      if (method === "Runtime.exceptionThrown") visit.consoleErrors.push(JSON.stringify(p.exceptionDetails));
      if (method === "Log.entryAdded" && p.entry?.level === "error") visit.consoleErrors.push(`${p.entry.source}: ${p.entry.text}`);
      if (method === "Network.requestWillBeSent") visit.requests.push(p.request.url);
    });
    for (const m of ["Runtime.enable", "Log.enable", "Network.enable", "Page.enable"]) await cdp.send(m, {}, sessionId);
    await cdp.send("Emulation.setDeviceMetricsOverride", { width: o.width, height: o.height, deviceScaleFactor: 1, mobile: o.width < 640 }, sessionId);
    const loaded = cdp.once(sessionId, "Page.loadEventFired");
    await cdp.send("Page.navigate", { url: pathToFileURL(file).href }, sessionId);
    await loaded;
    const text = (await cdp.send("Runtime.evaluate", { expression: "document.body.innerText", returnByValue: true }, sessionId)) as { result: { value: string } };
    visit.text = text.result.value;
    const shot = (await cdp.send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true }, sessionId)) as { data: string };
    writeFileSync(o.screenshot, Buffer.from(shot.data, "base64"));
    await cdp.send("Browser.close").catch(() => undefined);
    return visit;
  } finally {
    clearTimeout(timer);
    const exited = child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : Promise.resolve();
    if (child.exitCode === null) child.kill();
    await exited;
    // Its renderer and helper processes share the group this spawn made; they may outlive the browser for a moment.
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // ESRCH: the whole group is gone already.
    }
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

type Listener = (method: string, params: unknown) => void;

/** The DevTools protocol over Chromium's pipe: requests by id, events by session. */
class PipeCdp {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private listeners: { session: string; fn: Listener }[] = [];
  private buffer = "";
  private failed: Error | undefined;
  private readonly out: Writable;

  constructor(child: ChildProcess) {
    this.out = child.stdio[3] as Writable;
    (child.stdio[4] as Readable).on("data", (d: Buffer) => this.receive(d.toString("utf8")));
    child.once("exit", (code) => this.fail(new Error(`chromium exited (${code}) before the visit ended`)));
    this.out.on("error", (e) => this.fail(e));
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<unknown> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    this.out.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  on(session: string, fn: Listener): void {
    this.listeners.push({ session, fn });
  }

  once(session: string, method: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.on(session, (m) => m === method && resolve());
      this.pending.set(-this.nextId++, { resolve: () => undefined, reject });
    });
  }

  fail(err: Error): void {
    if (this.failed) return;
    this.failed = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf("\0")) >= 0) {
      const msg = JSON.parse(this.buffer.slice(0, end)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown; sessionId?: string };
      this.buffer = this.buffer.slice(end + 1);
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`CDP ${msg.error.message}`));
        else p?.resolve(msg.result);
      } else if (msg.method) {
        for (const l of this.listeners) if (l.session === msg.sessionId) l.fn(msg.method, msg.params);
      }
    }
  }
}
