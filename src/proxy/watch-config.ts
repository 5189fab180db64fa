/**
 * @module proxy/watch-config
 * Reloads on SIGHUP and when the config file changes. A bad new file is logged and ignored: the proxy keeps
 * serving with the configuration it has.
 */
import { watch, type FSWatcher } from "node:fs";
import type { Logger } from "pino";

export interface ConfigWatcher {
  close(): void;
}

/** Editors save in bursts (truncate, write, rename): wait for the burst to end. */
const DEBOUNCE_MS = 150;

export function watchConfig(file: string | undefined, reload: () => Promise<void>, logger: Logger): ConfigWatcher {
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const trigger = (why: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(() =>
        reload().catch((err: Error) => logger.error({ reason: err.message, trigger: why }, "reload refused; keeping the current configuration")),
      );
    }, DEBOUNCE_MS);
  };
  const onHup = () => trigger("SIGHUP");
  process.on("SIGHUP", onHup);
  let watcher: FSWatcher | undefined;
  if (file) {
    try {
      watcher = watch(file, () => trigger("file change"));
    } catch (err) {
      logger.warn({ reason: (err as Error).message }, "cannot watch the config file; reload with SIGHUP");
    }
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
      process.off("SIGHUP", onHup);
    },
  };
}
