import { WorkbenchError } from '../../../shared/errors.js';
import type { Pipeline } from '../../../shared/pipelines.js';
import type { ExportSourceHandle } from '../exports/sources/types.js';
import type { Db } from '../store/db.js';
import { pipelineResultsRepo } from '../store/pipeline-results-repo.js';
import type { ResultRow } from './aggregation.js';
import { pipelineColumns } from './file-sink-columns.js';
import { flattenResult } from './result-columns.js';
import type { Value } from './row.js';

/**
 * The result rows an aggregation pipeline holds now (`pipeline_results`, as the Results tab shows
 * them), flattened to the columns its file sinks write: group-by, window_start/window_end as
 * timestamps, aggregates. Read in keyset pages by rowid, so a running pipeline can go on writing;
 * a row it updates meanwhile is exported as it was when its page was read.
 */
export function openPipelineResultsSource(db: Db, pipeline: Pipeline, timestampUnit: 'ms' | 'us', batchSize = 5000): ExportSourceHandle {
  const aggregation = pipeline.aggregation;
  if (!aggregation) {
    throw new WorkbenchError(
      'VALIDATION',
      `Pipeline ${pipeline.name} has no aggregation, so it stores no result rows; export the table or files its sinks write`,
    );
  }
  const results = pipelineResultsRepo(db);
  const total = results.count(pipeline.id);
  const columns = pipelineColumns(pipeline, timestampUnit);
  return {
    label: `${pipeline.name} results`,
    title: `Results of pipeline ${pipeline.name}`,
    columns,
    totalRows: total,
    async *batches(signal) {
      let after = -1;
      for (;;) {
        signal.throwIfAborted();
        const rows = results.afterRowid(pipeline.id, after, batchSize);
        if (rows.length === 0) return;
        after = rows[rows.length - 1]?.rid ?? after;
        yield rows.map((r) => {
          const result: ResultRow = {
            key: '',
            group: JSON.parse(r.group_json) as Value[],
            window: r.window_start === null || r.window_end === null ? null : { start: r.window_start, end: r.window_end },
            values: JSON.parse(r.values_json) as Record<string, Value>,
          };
          return flattenResult(result, aggregation);
        });
        // Let the pipeline's own commits and IPC run between pages.
        await new Promise((resolve) => setImmediate(resolve));
        if (rows.length < batchSize) return;
      }
    },
  };
}
