import { defineConfig } from 'vitest/config';

// One run, two projects: `unit` (pure logic and engine code under plain Node, beside the code) and
// `integration` (test/integration and test/e2e: real local Kafka started once by the global setup,
// real Chromium through `serve`).
export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // 2 cores and one broker: a few files at a time is faster than many.
          maxWorkers: 2,
        },
      },
    ],
  },
});
