/**
 * @module proxy/watch-config
 * Reloads on SIGHUP and when the config file changes. A bad new file is refused (the proxy logs it and keeps
 * serving with the configuration it has; the reload itself writes that line).
 *
 * The file is followed by its path, not its inode: editors and config tools replace it (`mv new cfg.json`),
 * and Kubernetes swaps a symlink above it. An inode watch (fs.watch on the file) sees the first replacement
 * and then watches a file no one uses any more, so every later change was lost. So the path's stat is polled (stat
 * follows symlinks): any change of device, inode, size, mtime or ctime, or the file going away, is seen. The first
 * stat is taken at once, synchronously: fs.watchFile takes its own baseline later, asynchronously, and a change
 * made in between became the baseline and was never applied.
 */
import { stat, statSync, type Stats } from "node:fs";
import type { Logger } from "pino";

export interface ConfigWatcher {
  close(): void;
}

/** How often the file's stat is polled: a change applies within about this long plus the debounce. */
const POLL_MS = 250;
/** Editors save in bursts (truncate, write, rename): wait for the burst to end. */
const DEBOUNCE_MS = 150;

export function watchConfig(file: string | undefined, reload: () => Promise<void>, logger: Logger): ConfigWatcher {
  let timer: NodeJS.Timeout | undefined;
  const trigger = (why: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      logger.info({ trigger: why }, "reloading the configuration");
      // The proxy runs reloads one at a time and logs each outcome, refusals included.
      void reload().catch(() => undefined);
    }, DEBOUNCE_MS);
  };
  const onHup = () => trigger("SIGHUP");
  process.on("SIGHUP", onHup);
  const poll = file ? pollPath(file, (removed) => trigger(removed ? "config file removed" : "config file changed")) : undefined;
  return {
    close() {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      process.off("SIGHUP", onHup);
    },
  };
}

/** What identifies one version of the file; "missing" when there is none. */
const versionOf = (s: Stats | undefined) => (s ? `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}` : "missing");

/** Calls `changed` whenever the path's version differs from the last one seen, starting from its version now. */
function pollPath(file: string, changed: (removed: boolean) => void): NodeJS.Timeout {
  let last = versionOf(statSync(file, { throwIfNoEntry: false }));
  let busy = false;
  const timer = setInterval(() => {
    // One stat at a time: a slow disk never stacks them up.
    if (busy) return;
    busy = true;
    stat(file, (err, s) => {
      busy = false;
      const now = versionOf(err ? undefined : s);
      if (now === last) return;
      last = now;
      changed(now === "missing");
    });
  }, POLL_MS);
  // Like watchFile's persistent: false: the watch alone never keeps the process running.
  timer.unref();
  return timer;
}
