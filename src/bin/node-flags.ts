/**
 * @module bin/node-flags
 * The Node flags the mock runs with: `npm start`, the image's ENTRYPOINT and the benchmark (test/proxy-node-flags.test.ts
 * holds those copies to this list). The `xks-mock` bin keeps a plain `#!/usr/bin/env node`: `env -S`, the only way to
 * put flags in a shebang, is missing from BusyBox (Alpine), where the bin would not start at all; run it with
 * NODE_OPTIONS=--max-semi-space-size=64 for the same effect.
 *
 * Why: every request allocates ~20 KB that dies with it. With V8's default young generation (16 MB semi-spaces)
 * the heap scavenges several times a second at KMS's 1800 requests/s, promotes what happens to be in flight, and
 * that promoted garbage later costs 7–10 ms mark-compacts: the p99 of `npm run bench`'s open loop was 9–13 ms.
 * With 64 MB semi-spaces it is 2–3 ms (README "Benchmark"). The price is up to ~128 MB more of young heap.
 * V8 fixes the heap layout at start, so this cannot be set from inside the process (v8.setFlagsFromString has no
 * effect on it).
 */
export const PROXY_NODE_FLAGS = ["--max-semi-space-size=64"] as const;
