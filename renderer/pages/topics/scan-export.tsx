import { useState } from 'react';
import { useEvent } from '../../api/use-event.js';
import { useMethodMutation } from '../../api/use-method-mutation.js';
import { ErrorMessage } from '../../app/error-message.js';
import { SelectField, TextField } from '../../app/form-fields.js';

const formats = [
  { value: 'jsonl', label: 'JSONL' },
  { value: 'csv', label: 'CSV' },
] as const;

/** Export of a finished scan's matches (kept in the engine) to a file, with progress. */
export function ScanExport({ scanId, topic, matched }: { scanId: string; topic: string; matched: number }) {
  const [format, setFormat] = useState<'jsonl' | 'csv'>('jsonl');
  const [folder, setFolder] = useState('');
  const [written, setWritten] = useState(0);
  const run = useMethodMutation('messages:scanExport');
  useEvent('messages:exportProgress', (event) => setWritten(event.written), scanId);
  return (
    <form
      className="inline-fields"
      aria-label="Export matches"
      onSubmit={(event) => {
        event.preventDefault();
        setWritten(0);
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        run.mutate({ id: scanId, format, folder: folder.trim(), fileName: `${topic}-matches-${stamp}.${format}` });
      }}
    >
      <SelectField label="Export format" value={format} options={formats} onChange={setFormat} />
      <TextField
        label="Into folder (on the machine running the engine)"
        value={folder}
        onChange={setFolder}
        placeholder="/home/me/exports"
      />
      <button type="submit" disabled={folder.trim() === '' || run.isPending}>
        Export {matched} matches
      </button>
      {run.isPending && (
        <p className="note" role="status">
          Writing… {written} of {matched} rows
        </p>
      )}
      {run.isSuccess && (
        <p className="success" role="status" data-testid="export-done">
          Wrote {run.data.rows} rows ({run.data.bytes} bytes) to <span className="mono">{run.data.location}</span>
        </p>
      )}
      <ErrorMessage error={run.error} />
    </form>
  );
}
