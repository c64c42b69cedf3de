import type { ReactNode } from 'react';

type Cell = string | number | boolean | null;

const show = (cell: Cell) => (cell === null ? '—' : typeof cell === 'number' && !Number.isInteger(cell) ? cell.toFixed(3) : String(cell));

/**
 * Rows of a result or report table: numbers right-aligned with three decimals, null as "—". A wide
 * table (the S2 users table has 19 columns) scrolls sideways in its box, not the page.
 */
export function RowsTable({
  columns,
  rows,
  rowTestId,
  caption,
  label,
  testId,
}: {
  columns: readonly string[];
  rows: readonly (readonly Cell[])[];
  rowTestId: string;
  caption?: ReactNode;
  label?: string;
  testId?: string;
}) {
  return (
    <div className="table-scroll">
      <table className="table" aria-label={label} data-testid={testId}>
        {caption !== undefined && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i} data-testid={rowTestId}>
              {row.map((cell, j) => (
                <td key={j} className={typeof cell === 'number' ? 'num' : 'mono'}>
                  {show(cell)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
