/**
 * @module harness/conformance/suite
 * The whole suite, in run order: the AWS test client's 49 cases first, then what that client never checks.
 */
import { CIPHERTEXT_CASES } from "./cases/ciphertext.js";
import { MTLS_CASES } from "./cases/mtls.js";
import { PROTOCOL_CASES } from "./cases/protocol.js";
import { SIGV4_CASES } from "./cases/sigv4.js";
import { TEST_CLIENT_CASES } from "./cases/test-client-parity.js";
import type { ConformanceCase } from "./types.js";

export const CONFORMANCE_SUITE: readonly ConformanceCase[] = [...TEST_CLIENT_CASES, ...SIGV4_CASES, ...PROTOCOL_CASES, ...CIPHERTEXT_CASES, ...MTLS_CASES];
