import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["__tests__/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Synthesis is CPU-bound and the offline Terraform suite runs its own processes: two workers
    // match the two cores this is sized for.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
