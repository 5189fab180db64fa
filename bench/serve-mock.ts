/**
 * @module bench/serve-mock
 * The mock under test, alone in its process: the default configuration (the AWS test client's credential,
 * key `foo`) on an ephemeral port, no admin API, logger silenced (a benchmark of stdout is not wanted here).
 * Run on its own it prints its ready line on stdout:
 *   node --cpu-prof dist/bench/serve-mock.js
 */
import { defaultCertsDir } from "../src/pki/certs-dir.js";
import { ensureDevPki } from "../src/pki/dev-pki-files.js";
import { defaultConfigInput } from "../src/proxy/config-schema.js";
import { parseProxyConfig } from "../src/proxy/load-config.js";
import { createLogger } from "../src/proxy/request-log.js";
import { startProxy } from "../src/proxy/start-proxy.js";
import { exitWhenTold, report } from "./messages.js";

const BENCH_KEY_ID = "foo";

const certsDir = defaultCertsDir();
const pki = await ensureDevPki(certsDir);
const config = parseProxyConfig({ ...defaultConfigInput(), port: 0, adminPort: null, logLevel: "silent" }, "bench configuration");
const proxy = await startProxy({ config, logger: createLogger("silent"), certsDir });
exitWhenTold(() => proxy.stop());
await report({
  type: "ready",
  origin: proxy.url,
  encryptPath: `${new URL(proxy.baseUrl()).pathname}/keys/${BENCH_KEY_ID}/encrypt`,
  caFile: proxy.caFile ?? pki.paths.caCert,
});
