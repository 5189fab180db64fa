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
  },
});
