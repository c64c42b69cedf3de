import { describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../helpers.js';
import { createTopic, produceInput } from '../integration/pipelines-helpers.js';
import { compareRuns, fromSpark, sparkCaseOf, totals } from '../spark/compare.js';
import { readings, toRecords, type ReadingsShape } from '../spark/readings.js';
import { runSparkOracle } from '../spark/spark-oracle.js';
import { runWorkbench, type OracleCase } from '../spark/workbench-run.js';

// Property-style companion of test/integration/pipelines-spark-oracle.test.ts: random seeds and
// stream shapes (more disorder, more very late readings, other batch sizes), every case compared
// with real PySpark batch by batch. A failing seed is printed, to replay it.

const MIN = 60_000;

describe('pipelines against PySpark on random seeds', () => {
  it('agree with Spark per micro-batch and in the final table for every seed', async () => {
    const bootstrap = inject('kafkaBootstrap');
    const seeds = Array.from({ length: 4 }, () => Math.floor(Math.random() * 2 ** 31));
    const cases: OracleCase[] = [];
    const counts = new Map<string, number>();
    for (const [i, seed] of seeds.entries()) {
      const shape: ReadingsShape = {
        count: 500 + i * 150,
        stepMs: 3_000 + i * 2_000,
        outOfOrder: 0.1 + i * 0.1,
        outOfOrderMs: (4 + i * 3) * MIN,
        veryLate: 0.02 + i * 0.02,
        veryLateMs: 11 * MIN,
      };
      const partitions = i % 2 === 0 ? 3 : 2;
      const topic = uniqueName(`oracle-seed-${seed}`);
      await createTopic(bootstrap, topic, partitions);
      const rows = readings(seed, shape);
      counts.set(topic, rows.length);
      await produceInput(bootstrap, toRecords(topic, partitions, rows));
      const batch = [37, 64, 100, 151][i] ?? 50;
      for (const outputMode of ['update', 'append', 'complete'] as const) {
        cases.push({
          name: `seed-${seed}-${outputMode}-sliding`,
          topic,
          maxOffsetsPerTrigger: batch,
          outputMode,
          window: { durationMs: 10 * MIN, slideMs: 5 * MIN },
          watermarkDelayMs: 10 * MIN,
        });
      }
      cases.push({
        name: `seed-${seed}-update-tumbling-before-3.4`,
        topic,
        maxOffsetsPerTrigger: batch,
        outputMode: 'update',
        window: { durationMs: 5 * MIN },
        watermarkDelayMs: 10 * MIN,
        sparkCompatibility: 'before-3.4',
      });
    }
    const spark = await runSparkOracle(bootstrap, cases.map(sparkCaseOf));
    const ours = await Promise.all(cases.map((c) => runWorkbench(bootstrap, c, counts.get(c.topic) ?? 0)));
    const differences: Record<string, string[]> = {};
    const report: Record<string, unknown> = {};
    cases.forEach((c, i) => {
      const theirs = fromSpark(spark[i] ?? { name: c.name, batches: [] });
      const diff = compareRuns(c, ours[i]?.batches ?? [], theirs);
      if (diff.length > 0) differences[c.name] = diff.slice(0, 12);
      report[c.name] = { ours: totals(ours[i]?.batches ?? []), spark: totals(theirs) };
    });
    console.log(`[spark-oracle seeds] ${seeds.join(', ')}: ${JSON.stringify(report)}`);
    expect(differences).toEqual({});
  }, 1_800_000);
});
