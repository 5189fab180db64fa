import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "harness/**/*.test.ts", "bench/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/*.container.test.ts", "node_modules/**", "dist/**"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    globalSetup: ["test/global-setup.ts"],
    restoreMocks: true,
    retry: 0,
    // Tests create AWS SDK clients in-process, also on Node 20, which this project supports (README): the SDK's
    // notice about its future Node 22 floor is noise in the test output, as the CLIs already treat it.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
