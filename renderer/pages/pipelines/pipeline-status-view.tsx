import type { ReactNode } from 'react';
import { shownState, type Pipeline, type PipelineStatus } from '../../../shared/pipelines.js';

const rate = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)}/s`;
const time = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').replace('.000Z', 'Z'));

/**
 * What the engine's state count (`openWindows`: one entry per group and window) means for this
 * pipeline: open windows when it has windows, groups when it aggregates without them (the word
 * count), nothing when it only projects.
 */
export function stateCountLabel(aggregation: Pipeline['aggregation']): 'Open windows' | 'Groups' | null {
  if (aggregation === undefined) return null;
  return aggregation.window === undefined ? 'Groups' : 'Open windows';
}

/** The counters of one pipeline: watermark, windows, late and bad records (with the last bad ones), lag per partition. */
export function PipelineStatusView({
  status,
  scaledOut,
  aggregation,
  children,
}: {
  status: PipelineStatus;
  scaledOut: boolean;
  aggregation: Pipeline['aggregation'];
  /** What the user can do about the error, shown under it (e.g. create a missing bucket). */
  children?: ReactNode;
}) {
  const stateCount = stateCountLabel(aggregation);
  const bad = Object.entries(status.badRecords);
  const badTotal = bad.reduce((n, [, count]) => n + count, 0);
  // Partitions are only known while running (the group assigns them); stopped, the spec says whether it scales out.
  const held = status.scaleOut;
  const scaleOut =
    held !== undefined
      ? `this worker holds partition${held.partitions.length === 1 ? '' : 's'} ${held.partitions.length === 0 ? 'none (yet)' : held.partitions.join(', ')}; state in ${held.changelogTopic}`
      : scaledOut
        ? 'on (partitions are assigned when it runs)'
        : 'off (one worker)';
  return (
    <div className="panel" data-testid="pipeline-status">
      <dl className="facts">
        <div className="fact">
          <dt>State</dt>
          <dd data-testid="status-state">{shownState(status)}</dd>
        </div>
        <div className="fact">
          <dt>Batches</dt>
          <dd data-testid="status-batches">{status.batches}</dd>
        </div>
        <div className="fact">
          <dt>Records in</dt>
          <dd data-testid="status-in">
            {status.recordsIn} ({rate(status.recordsPerSecondIn)})
          </dd>
        </div>
        <div className="fact">
          <dt>Rows out</dt>
          <dd data-testid="status-out">
            {status.rowsOut} ({rate(status.rowsPerSecondOut)})
          </dd>
        </div>
        {status.files !== undefined && (
          <div className="fact">
            <dt title="Rows out are the rows a batch produced; a file sink has written them once their file is written">Files</dt>
            <dd data-testid="status-files">
              {status.files.done} written ({status.files.rowsWritten} rows), {status.files.pending} waiting ({status.files.rowsWaiting}{' '}
              rows)
            </dd>
          </div>
        )}
        <div className="fact">
          <dt>Watermark</dt>
          <dd data-testid="status-watermark" className="mono">
            {time(status.watermarkMs)}
          </dd>
        </div>
        {stateCount !== null && (
          <div className="fact">
            <dt data-testid="status-open-label">{stateCount}</dt>
            <dd data-testid="status-open">{status.openWindows}</dd>
          </div>
        )}
        <div className="fact">
          <dt title="Each record counted once per window it fell in whose end the watermark had passed">
            Late rows dropped (record × window)
          </dt>
          <dd data-testid="status-late">{status.lateRows}</dd>
        </div>
        <div className="fact">
          <dt title="Spark's numRowsDroppedByWatermark: late rows counted after each batch's partial aggregation, i.e. distinct group + window keys per batch">
            numRowsDroppedByWatermark (Spark)
          </dt>
          <dd data-testid="status-dropped-by-watermark">{status.droppedByWatermark}</dd>
        </div>
        <div className="fact">
          <dt>Bad records</dt>
          <dd data-testid="status-bad">{badTotal === 0 ? 0 : `${badTotal} (${bad.map(([reason, n]) => `${reason} ${n}`).join(', ')})`}</dd>
        </div>
        <div className="fact">
          <dt>Last batch</dt>
          <dd>{status.lastBatchMs === null ? '—' : `${status.lastBatchMs.toFixed(1)} ms`}</dd>
        </div>
        <div className="fact">
          <dt>Scale-out</dt>
          <dd data-testid="status-scale-out">{scaleOut}</dd>
        </div>
      </dl>
      {status.error !== null && (
        <p className="error" role="alert">
          {status.error}
        </p>
      )}
      {children}
      {status.lag.length > 0 && (
        <table className="table" aria-label="Lag per partition">
          <caption>Lag per partition</caption>
          <thead>
            <tr>
              <th scope="col">Topic</th>
              <th scope="col" className="num">
                Partition
              </th>
              <th scope="col" className="num">
                Next offset
              </th>
              <th scope="col" className="num">
                End offset
              </th>
              <th scope="col" className="num">
                Lag
              </th>
            </tr>
          </thead>
          <tbody>
            {[...status.lag]
              .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
              .map((l) => (
                <tr key={`${l.topic}:${l.partition}`}>
                  <td className="mono">{l.topic}</td>
                  <td className="num">{l.partition}</td>
                  <td className="num">{l.nextOffset ?? '—'}</td>
                  <td className="num">{l.highWatermark}</td>
                  <td className="num">{l.lag}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
      {status.lastBad.length > 0 && (
        <table className="table" aria-label="Last bad records">
          <caption>Last bad records</caption>
          <thead>
            <tr>
              <th scope="col">Where</th>
              <th scope="col">Reason</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {status.lastBad.map((b) => (
              <tr key={`${b.topic}/${b.partition}/${b.offset}`}>
                <td className="mono">
                  {b.topic}/{b.partition}@{b.offset}
                </td>
                <td>{b.reason}</td>
                <td>{b.error}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
