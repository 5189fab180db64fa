/**
 * @module harness/load/defaults
 * The flag defaults of `load`, apart from the options parser so that declaring the command (harness/cli.ts) loads
 * nothing heavy: constants.ts only, not the spec core's schemas.
 */
import { KMS_PROXY_TIMEOUT_MS } from "../../src/xks/constants.js";

/** What KMS sends a busy store: mostly data-key encrypts and decrypts, few metadata calls, health now and then. */
export const DEFAULT_MIX = "encrypt=55,decrypt=40,metadata=4,health=1";

/** As commander strings; KMS's proxy timeout is the p99 budget. */
export const LOAD_DEFAULTS = { duration: "30", plaintextBytes: "32", aadBytes: "64", workers: "1", p99BudgetMs: String(KMS_PROXY_TIMEOUT_MS), maxErrorRate: "0.001" };

/** Ciphertexts per key made in the warm-up (by `load` and the emitted Artillery scenario): enough that decrypts do not all hit one ciphertext. */
export const WARM_UP_CIPHERTEXTS = 20;
