import { useState } from 'react';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';

const PAGE = 50;

const show = (cell: string | number | boolean | null) =>
  cell === null ? '—' : typeof cell === 'number' && !Number.isInteger(cell) ? cell.toFixed(3) : String(cell);

/**
 * A page of the pipeline's result table. The engine keeps one row per (group, window), so an
 * update-mode batch replaces rows rather than adding them; the page refetches on each results notice.
 */
export function ResultsTable({ pipelineId }: { pipelineId: string }) {
  const [offset, setOffset] = useState(0);
  const page = useMethodQuery('pipelines:results', { id: pipelineId, offset, limit: PAGE });
  const data = page.data;
  const total = data?.total ?? 0;
  return (
    <div>
      <ErrorMessage error={page.error} />
      <div className="toolbar" aria-label="Result pages">
        <button type="button" disabled={offset === 0} onClick={() => { setOffset(Math.max(0, offset - PAGE)); }}>Previous</button>
        <span data-testid="results-range">
          {total === 0 ? 'no rows' : `${offset + 1}–${Math.min(total, offset + PAGE)} of ${total}`}
        </span>
        <button type="button" disabled={offset + PAGE >= total} onClick={() => { setOffset(offset + PAGE); }}>Next</button>
      </div>
      <table className="table" data-testid="results-table">
        <caption>Results (newest windows first)</caption>
        <thead>
          <tr>
            {data?.columns.map((c) => (
              <th scope="col" key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data?.rows.map((row, i) => (
            <tr key={i} data-testid="result-row">
              {row.map((cell, j) => (
                <td key={j} className={typeof cell === 'number' ? 'num' : 'mono'}>{show(cell)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
