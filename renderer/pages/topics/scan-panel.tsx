import { useState } from 'react';
import type { Isolation, KafkaMessage, ScanProgress } from '../../../shared/topic-browser.js';
import { useFollowEvent } from '../../api/use-event.js';
import { useWorkbench } from '../../api/workbench-context.js';
import { ErrorMessage } from '../../app/error-message.js';
import { TextField } from '../../app/form-fields.js';
import { ScanExport } from './scan-export.js';

const PAGE = 200;

export function ScanPanel({
  connectionId,
  topic,
  partition,
  isolation,
  onResults,
}: {
  connectionId: string;
  topic: string;
  partition: number | null;
  isolation: Isolation;
  onResults: (results: { progress: ScanProgress | null; messages: KafkaMessage[] }) => void;
}) {
  const api = useWorkbench();
  const [expression, setExpression] = useState('');
  const [contains, setContains] = useState('');
  const [progress, setProgress] = useState<ScanProgress | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [offset, setOffset] = useState(0);
  const [scanIsolation, setScanIsolation] = useState<Isolation>(isolation);

  async function fetchPage(scanId: string, from: number) {
    const result = await api.messages.scanResults({ id: scanId, offset: from, limit: PAGE });
    setProgress(result.progress);
    onResults(result);
  }
  const followScan = useFollowEvent('messages:scanProgress', (event) => {
    setProgress(event);
    // Matches stay in the engine; the first page is fetched as they arrive and when the scan ends.
    if (event.state !== 'running' || offset === 0)
      void fetchPage(event.scanId, offset).catch((caught: unknown) => {
        setError(caught instanceof Error ? caught : new Error(String(caught)));
      });
  });
  async function start() {
    setError(null);
    setOffset(0);
    // A new scan replaces the last one's matches, also when it cannot start (a filter that does not compile).
    followScan(null);
    setProgress(null);
    onResults({ progress: null, messages: [] });
    // Subscribed under our own id before the scan starts: a short scan can finish before its start returns.
    const scanId = crypto.randomUUID();
    try {
      setProgress({ scanId, state: 'running', scanned: 0, matched: 0, errors: 0, total: 0, elapsedMs: 0 });
      followScan(scanId);
      await api.messages.scanStart({ connectionId, topic, partition, from: { kind: 'oldest' }, expression, contains, isolation, scanId });
      setScanIsolation(isolation);
    } catch (caught) {
      followScan(null);
      setProgress(null);
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    }
  }
  const running = progress?.state === 'running';
  return (
    <>
      <form
        className="subpanel"
        aria-label="Filter messages"
        onSubmit={(event) => {
          event.preventDefault();
          void start();
        }}
      >
        <div className="inline-fields">
          <TextField
            label="Filter expression (CEL)"
            value={expression}
            onChange={setExpression}
            placeholder='value.temperature > 30 && key == "sensor_3"'
            hint="Variables: key, value (parsed JSON or text), headers, partition, offset, timestamp"
          />
          <TextField label="Text contains" value={contains} onChange={setContains} />
        </div>
        <div className="actions">
          <button type="submit" disabled={running}>
            Scan topic
          </button>
          {running && progress && (
            <button type="button" onClick={() => void api.messages.scanCancel({ id: progress.scanId })}>
              Cancel scan
            </button>
          )}
          {progress && !running && progress.matched > PAGE && (
            <>
              <button
                type="button"
                disabled={offset === 0}
                onClick={() => {
                  const o = Math.max(0, offset - PAGE);
                  setOffset(o);
                  void fetchPage(progress.scanId, o);
                }}
              >
                Previous matches
              </button>
              <button
                type="button"
                disabled={offset + PAGE >= progress.matched}
                onClick={() => {
                  const o = offset + PAGE;
                  setOffset(o);
                  void fetchPage(progress.scanId, o);
                }}
              >
                Next matches
              </button>
            </>
          )}
        </div>
        {progress && (
          <p className="note" role="status" data-testid="scan-progress">
            {progress.state}: scanned {progress.scanned} of {progress.total}, matched {progress.matched}
            {progress.errors > 0 ? `, ${progress.errors} records without the fields used` : ''}
            {progress.tooCostly !== undefined && progress.tooCostly > 0
              ? `, ${progress.tooCostly} records skipped: filter too costly for them`
              : ''}
            {progress.skipped !== undefined && progress.skipped > 0
              ? `, ${progress.skipped} records deleted by retention before the scan reached them`
              : ''}{' '}
            in {(progress.elapsedMs / 1000).toFixed(1)} s{progress.error ? ` — ${progress.error}` : ''} (
            {scanIsolation === 'read_committed' ? 'read committed' : 'read uncommitted'})
          </p>
        )}
        <ErrorMessage error={error} />
      </form>
      {progress !== null && progress.state !== 'running' && progress.matched > 0 && (
        <div className="subpanel">
          <ScanExport key={progress.scanId} scanId={progress.scanId} topic={topic} matched={progress.matched} />
        </div>
      )}
    </>
  );
}
