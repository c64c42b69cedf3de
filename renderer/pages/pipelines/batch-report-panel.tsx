import { useState } from 'react';
import { sensorsBatchReport, type Pipeline } from '../../../shared/pipelines.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { ErrorMessage } from '../../app/error-message.js';
import { CheckboxField, SelectField, TextField } from '../../app/form-fields.js';
import { RowsTable } from './rows-table.js';

type ReportKind = 'pipeline' | 'sensors';
type Format = 'csv' | 'parquet' | 'jsonl';
const FORMATS: { value: Format; label: string }[] = [
  { value: 'csv', label: 'CSV' },
  { value: 'parquet', label: 'Parquet' },
  { value: 'jsonl', label: 'JSON lines' },
];

/**
 * Batch mode of the selected pipeline (`pipelines:run-batch`, the same engine method as
 * `npm run cli -- pipeline batch`): the pipeline once over its topics up to the end offsets read
 * when the run starts, as a SQLite table and, if asked, one file per format in a folder.
 */
export function BatchReportPanel({ pipeline }: { pipeline: Pipeline }) {
  const [kind, setKind] = useState<ReportKind>(pipeline.aggregation ? 'pipeline' : 'sensors');
  const [formats, setFormats] = useState<Format[]>([]);
  const [folder, setFolder] = useState('');
  const run = useMethodMutation('pipelines:run-batch');
  const report = run.data;
  const toggle = (f: Format) => (on: boolean) => {
    setFormats((list) => (on ? [...list.filter((x) => x !== f), f] : list.filter((x) => x !== f)));
  };
  return (
    <fieldset aria-label="Batch report" className="batch-report">
      <legend>Batch report</legend>
      <p className="hint">Reads every record of the source topics up to their end offsets now (records produced meanwhile are left out), groups them and writes the report.</p>
      <div className="inline-fields">
        <SelectField
          label="Report"
          value={kind}
          options={[
            ...(pipeline.aggregation ? [{ value: 'pipeline' as const, label: "The pipeline's aggregation (no watermark)" }] : []),
            { value: 'sensors' as const, label: 'Per sensor: total and avg/min/max of temperature, humidity, pressure' },
          ]}
          onChange={setKind}
        />
        {FORMATS.map((f) => (
          <CheckboxField key={f.value} label={`Report ${f.label}`} checked={formats.includes(f.value)} onChange={toggle(f.value)} />
        ))}
        <TextField label="Report folder" value={folder} onChange={setFolder} hint="An existing folder on the engine's machine. Empty = SQLite table only" />
      </div>
      <button
        type="button"
        disabled={run.isPending}
        onClick={() => {
          run.mutate({
            id: pipeline.id,
            ...(kind === 'sensors' ? { aggregation: sensorsBatchReport } : {}),
            ...(folder.trim() !== '' ? { folder: folder.trim() } : {}),
            formats: FORMATS.map((f) => f.value).filter((f) => formats.includes(f)),
          });
        }}
      >
        Run batch report
      </button>
      {run.isPending && (
        <p role="status" data-testid="batch-report-running">
          Reading the source topics up to their end offsets…
        </p>
      )}
      <ErrorMessage error={run.error} />
      {report && !run.isPending && (
        <div data-testid="batch-report">
          <p role="status" data-testid="batch-report-summary">
            {`${report.recordsRead.toLocaleString('en-US')} records, ${report.rows.length.toLocaleString('en-US')} rows in table ${report.table} (${(report.durationMs / 1000).toFixed(1)} s)`}
            {Object.keys(report.badRecords).length > 0 && `; bad records: ${Object.entries(report.badRecords).map(([k, n]) => `${k} ${n}`).join(', ')}`}
          </p>
          {report.files.length > 0 && (
            <ul aria-label="Report files">
              {report.files.map((f) => (
                <li key={f} className="mono" data-testid="batch-report-file">{f}</li>
              ))}
            </ul>
          )}
          <RowsTable columns={report.columns} rows={report.rows} rowTestId="batch-report-row" label="Batch report rows" />
        </div>
      )}
    </fieldset>
  );
}
