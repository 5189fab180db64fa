/**
 * @module proxy/watch-config
 * Reloads on SIGHUP and when the config file changes. A bad new file is refused (the proxy logs it and keeps
 * serving with the configuration it has; the reload itself writes that line).
 *
 * The file is followed by its path, not its inode: editors and config tools replace it (`mv new cfg.json`),
 * and Kubernetes swaps a symlink above it. An inode watch (fs.watch on the file) sees the first replacement
 * and then watches a file no one uses any more, so every later change was lost. fs.watchFile polls the path's
 * stat (it follows symlinks): any change of inode, size, mtime or ctime, or the file going away, is seen.
 */
import { unwatchFile, watchFile, type Stats } from "node:fs";
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
  const onChange = (current: Stats) => trigger(current.nlink === 0 && current.mtimeMs === 0 ? "config file removed" : "config file changed");
  if (file) watchFile(file, { interval: POLL_MS, persistent: false }, onChange);
  return {
    close() {
      clearTimeout(timer);
      if (file) unwatchFile(file, onChange);
      process.off("SIGHUP", onHup);
    },
  };
}
