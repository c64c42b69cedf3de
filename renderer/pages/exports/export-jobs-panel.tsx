import { useQueryClient } from '@tanstack/react-query';
import type { ExportProgress } from '../../../shared/exports.js';
import { methodKey } from '../../api/query-keys.js';
import { useEvent } from '../../api/use-event.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { formatBytes } from '../../../shared/format.js';

/** Running exports with a progress bar (rows, bytes, %) and a cancel button; kept live by exports:progress. */
export function ExportJobsPanel() {
  const queryClient = useQueryClient();
  const jobs = useMethodQuery('exports:jobs', undefined);
  const cancel = useMethodMutation('exports:cancel');
  useEvent('exports:progress', (progress: ExportProgress) => {
    queryClient.setQueryData<ExportProgress[]>(methodKey('exports:jobs', undefined), (list = []) => {
      const others = list.filter((j) => j.jobId !== progress.jobId);
      return [...others, progress];
    });
    if (progress.status !== 'running') void queryClient.invalidateQueries({ queryKey: ['exports:history'] });
  });
  const list = jobs.data ?? [];
  if (list.length === 0) return null;
  return (
    <section aria-label="Export jobs" className="export-jobs">
      <h2>Jobs</h2>
      <ErrorMessage error={cancel.error} />
      <ul className="export-job-list">
        {list.map((job) => (
          <li key={job.jobId} data-testid="export-job" data-status={job.status}>
            <div className="export-job-line">
              <span className="mono">{job.location}</span>
              <span
                className={`badge ${job.status === 'failed' ? 'badge-error' : job.stalled !== undefined ? 'badge-stalled' : job.status === 'running' ? 'badge-running' : ''}`}
              >
                {job.stalled !== undefined ? 'stalled' : job.status}
              </span>
            </div>
            {/* A finished or stalled job's bar does not animate: no value means "in progress" to the browser. */}
            <progress
              max={100}
              value={job.percent ?? (job.status === 'running' && job.stalled === undefined ? undefined : 0)}
              aria-label={`Progress of ${job.location}`}
            />
            <div className="export-job-line">
              <span data-testid="export-job-rows">
                {job.recordsRead !== undefined &&
                  job.recordsTotal !== undefined &&
                  `${job.recordsRead.toLocaleString()} of ${job.recordsTotal.toLocaleString()} records read · `}
                {job.rows.toLocaleString()} rows · {formatBytes(job.bytes)}
                {job.percent !== null ? ` · ${job.percent.toFixed(0)}%` : ''}
              </span>
              {job.status === 'running' ? (
                <button
                  type="button"
                  disabled={cancel.isPending}
                  onClick={() => {
                    cancel.mutate({ jobId: job.jobId });
                  }}
                >
                  Cancel
                </button>
              ) : (
                <button
                  type="button"
                  onClick={() => {
                    queryClient.setQueryData<ExportProgress[]>(methodKey('exports:jobs', undefined), (all = []) =>
                      all.filter((j) => j.jobId !== job.jobId),
                    );
                  }}
                >
                  Dismiss
                </button>
              )}
            </div>
            {job.error !== undefined && <p className="error">{job.error}</p>}
            {job.stalled !== undefined && (
              <p className="note warning" role="status" data-testid="export-job-stalled">
                {job.stalled}
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
