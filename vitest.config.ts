import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores here and in CI: two workers, each test file in its own process.
    pool: "forks",
    maxWorkers: 2,
  },
});
