import { useState } from 'react';
import { useMethodQuery } from '../../api/use-method-query.js';
import type { Pipeline, PipelineStatus } from '../../../shared/pipelines.js';
import { ErrorMessage } from '../../app/error-message.js';
import { RowsTable } from './rows-table.js';

const PAGE = 50;

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/**
 * The line above the result table: the page shown, or, when the table is empty and the pipeline
 * writes files, where its rows went (a projection-only pipeline keeps no result table).
 */
export function resultsRangeText(total: number, offset: number, pageSize: number, files: PipelineStatus['files']): string {
  if (total > 0) return `${offset + 1}–${Math.min(total, offset + pageSize)} of ${total}`;
  if (files === undefined) return 'no rows';
  const waiting =
    files.pending > 0 || files.rowsWaiting > 0
      ? `; ${plural(files.rowsWaiting, 'row')} in ${plural(files.pending, 'file')} waiting to be written`
      : '';
  return `Rows go to files: ${plural(files.rowsWritten, 'row')} in ${plural(files.done, 'file')} written${waiting}`;
}

/** What the rows of the result table are, in the engine's order (`pipelines:results`). */
export function resultsCaption(aggregation: Pipeline['aggregation'], table: string | undefined): string {
  if (aggregation === undefined) return table === undefined ? 'Results' : `Rows of ${table} (newest first)`;
  return aggregation.window === undefined ? 'Results (by group)' : 'Results (newest windows first)';
}

/**
 * A page of the pipeline's result table. The engine keeps one row per (group, window), so an
 * update-mode batch replaces rows rather than adding them; the page refetches on each results notice.
 */
export function ResultsTable({ pipelineId, files, caption }: { pipelineId: string; files?: PipelineStatus['files']; caption: string }) {
  const [offset, setOffset] = useState(0);
  const page = useMethodQuery('pipelines:results', { id: pipelineId, offset, limit: PAGE });
  const data = page.data;
  const total = data?.total ?? 0;
  return (
    <div>
      <ErrorMessage error={page.error} />
      <div className="toolbar" aria-label="Result pages">
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => {
            setOffset(Math.max(0, offset - PAGE));
          }}
        >
          Previous
        </button>
        <span data-testid="results-range">{resultsRangeText(total, offset, PAGE, files)}</span>
        <button
          type="button"
          disabled={offset + PAGE >= total}
          onClick={() => {
            setOffset(offset + PAGE);
          }}
        >
          Next
        </button>
      </div>
      <RowsTable columns={data?.columns ?? []} rows={data?.rows ?? []} rowTestId="result-row" caption={caption} testId="results-table" />
    </div>
  );
}
