import { useEffect, useRef } from 'react';
import { useMethodQuery } from '../api/use-method-query.js';
import { ErrorMessage } from '../app/error-message.js';

/** Tail of the local cluster log, refreshed every 2 s while the cluster is up. */
export function LocalClusterLog({ live }: { live: boolean }) {
  const log = useMethodQuery('local:logs', { lines: 200 }, { refetchInterval: live ? 2_000 : false });
  const pre = useRef<HTMLPreElement>(null);
  const text = log.data?.text;
  // Keep the newest lines in view, as `tail -f` would.
  useEffect(() => {
    if (pre.current !== null) pre.current.scrollTop = pre.current.scrollHeight;
  }, [text]);
  return (
    <div className="log">
      <ErrorMessage error={log.error} prefix="Log unavailable" />
      {log.data !== undefined && (
        <>
          <small className="hint mono">{log.data.file ?? 'No log file yet'}</small>
          <pre ref={pre} className="log-text" tabIndex={0} aria-label="Local cluster log">
            {log.data.text === '' ? '(empty)' : log.data.text}
          </pre>
        </>
      )}
    </div>
  );
}
