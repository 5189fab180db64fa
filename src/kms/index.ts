/**
 * @module kms
 * A local KMS endpoint for the custom-key-store part of the KMS API, driven by the real AWS SDK and CLI.
 */
export { startLocalKms, DEFAULT_KMS_PORT, type StartLocalKmsOptions, type StartedLocalKms } from "./start-local-kms.js";
export { createLocalKmsApp, type RequestRecord } from "./app.js";
export { StateFileError, StateWriteError } from "./state-file.js";
export { StateStore } from "./state-store.js";
export { DEMO_ALIAS, DEMO_STORE_NAME, DEMO_VPC_ALIAS, DEMO_VPC_STORE_NAME, ensureDemoStore } from "./demo-store.js";
export { KmsError } from "./errors.js";
