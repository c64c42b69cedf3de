import { defineConfig } from 'vitest/config';

// One run, four projects: `unit` (pure logic and engine code under plain Node, beside the code),
// `integration` (test/integration and test/e2e: real local Kafka started once by the global setup,
// real Chromium through `serve`), `packaging` (test/packaging: the unpacked app electron-builder
// builds) and `perf` (test/**/*.perf.test.ts: main-thread Long Tasks in Chromium and the engine's
// longest freeze under hostile filters, wall-clock figures that run alone after the others).
export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: [
            'shared/**/*.test.ts',
            'electron/**/*.test.ts',
            'scripts/**/*.test.ts',
            'bench/**/*.test.ts',
            'test/lint/**/*.test.ts',
            'renderer/**/*.test.ts',
            'renderer/**/*.test.tsx',
          ],
          // The unit files run beside the integration project on 2 cores: the filter fuzz tests (a few
          // hundred generated expressions, each bounded on its own) took over vitest's default 5 s twice
          // at load 9–13. What bounds an evaluation is asserted inside the tests, not by this timeout.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          exclude: ['test/**/*.perf.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // 2 cores and one broker: a few files at a time is faster than many.
          maxWorkers: 2,
        },
      },
      {
        // Long Tasks and engine freezes are wall-clock time: beside the other files (a PySpark JVM, a
        // second Chromium, the scenario tests' local clusters) a 40 ms chart redraw measured 848 ms and
        // a ping the engine answers in under 100 ms alone took 254 ms at load 3.9. These files run
        // after every other project, one at a time.
        test: {
          name: 'perf',
          environment: 'node',
          include: ['test/**/*.perf.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // electron-builder --dir and what the package holds (no Kafka needed).
        test: {
          name: 'packaging',
          environment: 'node',
          include: ['test/packaging/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
      // `npm run test:long` only (npm names the script it runs; KWB_LONG=1 for npx vitest): the 10-minute soaks of test/long.
      ...(process.env.npm_lifecycle_event === 'test:long' || process.env.KWB_LONG === '1'
        ? [
            {
              test: {
                name: 'long',
                environment: 'node' as const,
                include: ['test/long/**/*.test.ts'],
                globalSetup: ['test/global-setup.ts'],
                testTimeout: 1_800_000,
                hookTimeout: 900_000,
                maxWorkers: 1,
              },
            },
          ]
        : []),
      // `npm run test:client-defects` only: minimal reproductions of @platformatic/kafka defects the
      // engine works around (each passes while its defect exists; see the file's header).
      ...(process.env.npm_lifecycle_event === 'test:client-defects' || process.env.KWB_CLIENT_DEFECTS === '1'
        ? [
            {
              test: {
                name: 'client-defects',
                environment: 'node' as const,
                include: ['test/client-defects/**/*.test.ts'],
                globalSetup: ['test/global-setup.ts'],
                testTimeout: 300_000,
                hookTimeout: 180_000,
                maxWorkers: 1,
              },
            },
          ]
        : []),
    ],
  },
});
