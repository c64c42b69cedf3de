import { describe, expect, it } from 'vitest';
import { describeZodError } from './errors.js';
import { exportRequestSchema } from './exports.js';

const local = { kind: 'local', folder: '/tmp/out' } as const;

describe('export requests of pipeline sources', () => {
  it('accepts a batch report (the pipeline’s own aggregation by default) with more files of the same read', () => {
    const parsed = exportRequestSchema.parse({
      source: { kind: 'batch-report', pipelineId: 'p1' },
      format: { kind: 'csv' },
      extraFormats: [{ kind: 'parquet' }],
      target: local,
    });
    expect(parsed.source).toEqual({ kind: 'batch-report', pipelineId: 'p1', report: 'pipeline' });
    expect(parsed.extraFormats).toEqual([{ kind: 'parquet', codec: 'snappy', timestampUnit: 'ms', rowGroupRows: 100_000 }]);
    expect(
      exportRequestSchema.parse({ source: { kind: 'pipeline-results', pipelineId: 'p1' }, format: { kind: 'jsonl' }, target: local })
        .extraFormats,
    ).toEqual([]);
  });

  it('refuses a format twice, an unknown report, a table name SQLite would need quoting for, and a missing pipeline id', () => {
    const problem = (request: unknown) => {
      const result = exportRequestSchema.safeParse(request);
      return result.success ? null : describeZodError(result.error);
    };
    expect(
      problem({
        source: { kind: 'batch-report', pipelineId: 'p1' },
        format: { kind: 'csv' },
        extraFormats: [{ kind: 'csv', delimiter: ';' }],
        target: local,
      }),
    ).toMatch(/Each format may be chosen once/);
    expect(
      problem({ source: { kind: 'batch-report', pipelineId: 'p1', report: 'weather' }, format: { kind: 'csv' }, target: local }),
    ).toMatch(/^source\.report: /);
    expect(
      problem({ source: { kind: 'batch-report', pipelineId: 'p1', table: 'drop table x;' }, format: { kind: 'csv' }, target: local }),
    ).toMatch(/^source\.table: use letters, digits and _/);
    expect(problem({ source: { kind: 'pipeline-results', pipelineId: '' }, format: { kind: 'csv' }, target: local })).toMatch(
      /^source\.pipelineId: /,
    );
  });
});
