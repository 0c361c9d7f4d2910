import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Child processes and sockets: keep files in separate workers but cap
    // parallelism for the 2-core machines this runs on.
    maxWorkers: 2,
    // The default report, then one plain "N passed, N failed" line for CI.
    reporters: ["default", "./test/helpers/plain-summary.ts"],
  },
});
