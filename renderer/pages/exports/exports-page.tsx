import type { AppInfo } from '../../../shared/app.js';
import { ExportForm } from './export-form.js';
import { ExportHistoryTable } from './export-history-table.js';
import { ExportJobsPanel } from './export-jobs-panel.js';
import { S3CredentialsPanel } from './s3-credentials-panel.js';
import { ClusterName } from '../cluster-name.js';

/** Exports: a topic range or a table to CSV, Parquet or JSONL, into a local folder or S3. */
export function ExportsPage({ info }: { info: AppInfo }) {
  return (
    <section className="page" data-testid="exports-page">
      <div className="page-header">
        <h1>Exports</h1>
        {info.activeConnectionId !== null && <ClusterName connectionId={info.activeConnectionId} />}
      </div>
      <ExportForm connectionId={info.activeConnectionId} defaultFolder={info.dataDir} />
      <ExportJobsPanel />
      <ExportHistoryTable />
      <S3CredentialsPanel info={info} />
    </section>
  );
}
