import type { AppInfo } from '../../../shared/app.js';
import { ExportForm } from './export-form.js';
import { ExportHistoryTable } from './export-history-table.js';
import { ExportJobsPanel } from './export-jobs-panel.js';

/** Exports: a topic range or a table to CSV, Parquet or JSONL, into a local folder or S3. */
export function ExportsPage({ info }: { info: AppInfo }) {
  return (
    <section className="page" data-testid="exports-page">
      <h1>Exports</h1>
      <ExportForm connectionId={info.activeConnectionId} defaultFolder={info.dataDir} />
      <ExportJobsPanel />
      <ExportHistoryTable />
    </section>
  );
}
