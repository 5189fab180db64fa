/**
 * @module bench/signed-requests
 * The bench's Encrypt sizes. The requests themselves are made, signed and verified by `xks-harness load`'s own
 * engine (harness/load/engine.ts, operations.ts), one per send, as `load` sends them.
 */
export const PLAINTEXT_BYTES = 512;
export const AAD_BYTES = 64;
