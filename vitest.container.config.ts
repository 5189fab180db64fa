import { defineConfig } from "vitest/config";

/**
 * Container tests (`npm run test:container`): real Docker, images built beforehand by scripts/build-images.sh.
 * Kept out of `npm test` (vitest.config.ts excludes *.container.test.ts); they skip with the reason when Docker
 * or the image is missing, except on CI (CI=true), where that fails the run.
 */
export default defineConfig({
  test: {
    include: ["test/container/**/*.container.test.ts"],
    exclude: ["node_modules/**", "dist/**"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    globalSetup: ["test/global-setup.ts"],
    restoreMocks: true,
    // One Docker engine: files run one after another.
    fileParallelism: false,
    retry: process.env.CI === "true" ? 1 : 0,
  },
});
