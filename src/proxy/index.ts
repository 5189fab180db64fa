/**
 * @module proxy
 * The mock XKS proxy: configuration, app, server.
 */
export { startProxy, type StartProxyOptions, type StartedProxy } from "./start-proxy.js";
export { createProxyApp, type ProxyAppOptions } from "./app.js";
export { loadConfig, parseProxyConfig, ConfigError, CONFIG_ENV, type ConfigOverrides } from "./load-config.js";
export {
  ProxyConfigSchema,
  defaultConfigInput,
  defaultKeys,
  PUBLIC_TEST_CREDENTIAL,
  DEFAULT_PATH_PREFIX,
  type ProxyConfig,
  type ProxyConfigInput,
} from "./config-schema.js";
export { FaultRule, type FaultRuleInput } from "./fault-rule.js";
export { FaultRegistry } from "./fault-registry.js";
export { createLogger } from "./request-log.js";
export { deriveKeyMaterial } from "./key-material.js";
