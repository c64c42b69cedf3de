import { useState } from 'react';
import type { ExportFormat, ExportProgress } from '../../../shared/exports.js';
import { sensorsBatchReport, type Pipeline } from '../../../shared/pipelines.js';
import { useEvent } from '../../api/use-event.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { CheckboxField, SelectField } from '../../app/form-fields.js';
import { initialTarget, toExportTarget, type ExportTargetState } from '../exports/export-form-model.js';
import { TargetFields } from '../exports/target-fields.js';
import { RowsTable } from './rows-table.js';

type ReportKind = 'pipeline' | 'sensors';
type Format = 'csv' | 'parquet' | 'jsonl';
const FORMATS: { value: Format; label: string }[] = [
  { value: 'csv', label: 'CSV' },
  { value: 'parquet', label: 'Parquet' },
  { value: 'jsonl', label: 'JSON lines' },
];
const formatOf = (kind: Format): ExportFormat =>
  kind === 'csv'
    ? { kind, delimiter: ',', header: true }
    : kind === 'jsonl'
      ? { kind }
      : { kind, codec: 'snappy', timestampUnit: 'ms', rowGroupRows: 100_000 };

/**
 * Batch mode of the selected pipeline: the pipeline once over its topics up to the end offsets read
 * when the run starts, as a SQLite table and, with formats chosen, files in a folder or on S3. With
 * files it runs as an export job (`exports:start`, source `batch-report`): one read, one file per
 * format, progress by records read, Cancel, and an entry in the Exports history. Without files it
 * is `pipelines:runBatch`, as `npm run cli -- pipeline batch`.
 */
export function BatchReportPanel({ pipeline }: { pipeline: Pipeline }) {
  const [kind, setKind] = useState<ReportKind>(pipeline.aggregation ? 'pipeline' : 'sensors');
  const [formats, setFormats] = useState<Format[]>([]);
  const [target, setTarget] = useState<ExportTargetState>(() => initialTarget('', 'sensor_report/'));
  const [problem, setProblem] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  /** exports:progress of the jobs started here, by id (an event may come before the start's answer). */
  const [jobs, setJobs] = useState<Record<string, ExportProgress>>({});
  const run = useMethodMutation('pipelines:runBatch');
  const start = useMethodMutation('exports:start', { invalidates: ['exports:jobs', 'exports:history'] });
  const cancel = useMethodMutation('exports:cancel');
  useEvent('exports:progress', (progress: ExportProgress) => {
    setJobs((all) => ({ ...all, [progress.jobId]: progress }));
  });
  const job = jobId === null ? undefined : jobs[jobId];
  const jobReport = useMethodQuery('exports:batchReport', { jobId: jobId ?? '' }, { enabled: job?.status === 'done' });
  const running = run.isPending || start.isPending || job?.status === 'running' || (jobId !== null && job === undefined);
  const report = jobId !== null ? (job?.status === 'done' ? (jobReport.data ?? undefined) : undefined) : run.data;
  const toggle = (f: Format) => (on: boolean) => {
    setFormats((list) => (on ? [...list.filter((x) => x !== f), f] : list.filter((x) => x !== f)));
  };
  const runReport = () => {
    setProblem(null);
    const chosen = FORMATS.map((f) => f.value).filter((f) => formats.includes(f));
    const aggregation = kind === 'sensors' ? { aggregation: sensorsBatchReport } : {};
    const [first, ...rest] = chosen;
    if (first === undefined) {
      // No files: the SQLite table only, in one request.
      setJobId(null);
      run.mutate({ id: pipeline.id, ...aggregation, formats: [] });
      return;
    }
    const built = toExportTarget(target);
    if ('error' in built) return setProblem(built.error);
    if (built.target.kind === 'local' && built.target.folder === '') return setProblem('Choose a folder for the report files');
    run.reset();
    start.mutate(
      {
        source: { kind: 'batch-report', pipelineId: pipeline.id, report: kind },
        format: formatOf(first),
        extraFormats: rest.map(formatOf),
        target: built.target,
      },
      {
        onSuccess: ({ jobId: id }) => {
          setJobId(id);
        },
      },
    );
  };
  return (
    <fieldset aria-label="Batch report" className="batch-report">
      <legend>Batch report</legend>
      <p className="hint">
        Reads every record of the source topics up to their end offsets now (records produced meanwhile are left out), groups them and
        writes the report.
      </p>
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
      </div>
      <TargetFields
        target={target}
        change={(patch) => {
          setTarget((t) => ({ ...t, ...patch }));
        }}
        folderLabel="Report folder"
        folderHint="An existing folder on the engine's machine. No format chosen = SQLite table only"
      />
      <div className="actions">
        <button type="button" disabled={running} onClick={runReport}>
          Run batch report
        </button>
        {job?.status === 'running' && (
          <button
            type="button"
            disabled={cancel.isPending}
            onClick={() => {
              cancel.mutate({ jobId: job.jobId });
            }}
          >
            Cancel report
          </button>
        )}
      </div>
      {problem !== null && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {running && (
        <div role="status" data-testid="batch-report-running">
          <p>Reading the source topics up to their end offsets…</p>
          {job !== undefined && (
            <>
              <progress max={100} value={job.percent ?? 0} aria-label="Batch report progress" />
              <p data-testid="batch-report-progress">
                {`${(job.recordsRead ?? 0).toLocaleString('en-US')} of ${(job.recordsTotal ?? 0).toLocaleString('en-US')} records read (${(job.percent ?? 0).toFixed(0)}%)`}
              </p>
            </>
          )}
        </div>
      )}
      <ErrorMessage error={run.error ?? start.error ?? cancel.error} />
      {job !== undefined &&
        job.status !== 'running' &&
        job.status !== 'done' &&
        (job.status === 'cancelled' ? (
          <p className="note" role="status" data-testid="batch-report-job-error">
            The report was cancelled; no file was written.
          </p>
        ) : (
          <p className="error" role="alert" data-testid="batch-report-job-error">{`The report failed: ${job.error ?? 'unknown error'}`}</p>
        ))}
      {report && !running && (
        <div data-testid="batch-report">
          <p role="status" data-testid="batch-report-summary">
            {`${report.recordsRead.toLocaleString('en-US')} records, ${report.rows.length.toLocaleString('en-US')} rows in table ${report.table} (${(report.durationMs / 1000).toFixed(1)} s)`}
            {Object.keys(report.badRecords).length > 0 &&
              `; bad records: ${Object.entries(report.badRecords)
                .map(([k, n]) => `${k} ${n}`)
                .join(', ')}`}
          </p>
          {report.files.length > 0 && (
            <>
              <ul aria-label="Report files">
                {report.files.map((f) => (
                  <li key={f} className="mono" data-testid="batch-report-file">
                    {f}
                  </li>
                ))}
              </ul>
              <p className="hint">
                Written by an export job: see it in the <a href="#/exports">Exports</a> history.
              </p>
            </>
          )}
          <RowsTable columns={report.columns} rows={report.rows} rowTestId="batch-report-row" label="Batch report rows" />
        </div>
      )}
    </fieldset>
  );
}
