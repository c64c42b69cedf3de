import { useEffect, useRef, useState } from 'react';
import type { Isolation, KafkaMessage, MessagePage, ReadStart, ScanProgress, TopicDetail } from '../../../shared/topic-browser.js';
import { decoderIds, decoderLabels, type DecoderId } from '../../../shared/topic-browser/decoders.js';
import { useFollowEvent } from '../../api/use-event.js';
import { useWorkbench } from '../../api/workbench-context.js';
import { ErrorMessage } from '../../app/error-message.js';
import { SelectField, TextField } from '../../app/form-fields.js';
import { MESSAGE_BUFFER_CAP } from './message-buffer.js';
import { decodePayload, MessageTable } from './message-table.js';
import { emptyDraft, ProduceForm, type ProduceDraft } from './produce-form.js';
import { ScanPanel } from './scan-panel.js';

type StartKind = 'newest' | 'oldest' | 'offset' | 'timestamp';
const startOptions = [
  { value: 'newest', label: 'Newest' },
  { value: 'oldest', label: 'Oldest' },
  { value: 'offset', label: 'Offset' },
  { value: 'timestamp', label: 'Timestamp' },
] as const;
// read_uncommitted by default, as kafka-console-consumer and kcat read: every record, aborted
// transactions included. Transaction markers are never rows either way.
const isolationOptions = [
  { value: 'read_uncommitted', label: 'Read uncommitted' },
  { value: 'read_committed', label: 'Read committed' },
] as const;
const isolationText: Record<Isolation, string> = { read_uncommitted: 'read uncommitted', read_committed: 'read committed' };
const decoderOptions = decoderIds.map((id) => ({ value: id, label: decoderLabels[id] }));
export { MESSAGE_BUFFER_CAP };

function draftFrom(message: KafkaMessage): ProduceDraft {
  const key = decodePayload(message.key, 'auto');
  const value = decodePayload(message.value, 'auto');
  const encoderOf = (d: typeof key) =>
    d === null ? 'string' : d.ok && d.decoder !== 'hex' ? (d.decoder === 'msgpack' ? 'msgpack' : d.decoder) : 'hex';
  return {
    key: key === null ? null : key.text,
    value: value === null ? null : value.text,
    keyEncoder: encoderOf(key),
    valueEncoder: encoderOf(value),
    headers: message.headers.map((h) => `${h.key}=${decodePayload(h.value, 'string')?.text ?? ''}`).join('\n'),
    partition: '',
  };
}

export function MessagesTab({ connectionId, detail }: { connectionId: string; detail: TopicDetail }) {
  const api = useWorkbench();
  const topic = detail.name;
  const [partition, setPartition] = useState('all');
  const [startKind, setStartKind] = useState<StartKind>('newest');
  const [offset, setOffset] = useState('0');
  const [time, setTime] = useState('');
  const [limit, setLimit] = useState('100');
  const [isolation, setIsolation] = useState<Isolation>('read_uncommitted');
  /** The isolation the running tail was started with (the select may change meanwhile). */
  const [tailIsolation, setTailIsolation] = useState<Isolation>('read_uncommitted');
  const [keyDecoder, setKeyDecoder] = useState<DecoderId>('auto');
  const [valueDecoder, setValueDecoder] = useState<DecoderId>('auto');
  const [page, setPage] = useState<MessagePage | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [view, setView] = useState<'browse' | 'scan' | 'tail'>('browse');
  const [scanMessages, setScanMessages] = useState<{ progress: ScanProgress | null; messages: KafkaMessage[] }>({
    progress: null,
    messages: [],
  });
  const [tailId, setTailId] = useState<string | null>(null);
  const [tailed, setTailed] = useState<KafkaMessage[]>([]);
  const [received, setReceived] = useState(0);
  const [draft, setDraft] = useState<ProduceDraft | null>(null);
  const tailRef = useRef<string | null>(null);

  const partitionValue = partition === 'all' ? null : Number(partition);
  async function load(start: ReadStart) {
    setLoading(true);
    setError(null);
    setView('browse');
    try {
      setPage(
        await api.messages.read({
          connectionId,
          topic,
          partition: partitionValue,
          start,
          limit: Math.min(1000, Math.max(1, Number(limit) || 100)),
          isolation,
        }),
      );
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setLoading(false);
    }
  }
  function startFromForm(): ReadStart {
    if (startKind === 'offset') return { kind: 'offset', offset: Math.max(0, Number(offset) || 0) };
    if (startKind === 'timestamp') return { kind: 'timestamp', timestamp: Math.max(0, Date.parse(time) || 0) };
    return { kind: startKind };
  }

  // Tail events are gathered and applied once per frame: at thousands of records a second that is
  // one copy of the (up to 100,000-row) buffer per frame instead of one per event.
  const pending = useRef<KafkaMessage[]>([]);
  const frame = useRef<number | null>(null);
  const followTail = useFollowEvent('messages:tail', (event) => {
    for (const message of event.messages) pending.current.push(message);
    frame.current ??= requestAnimationFrame(() => {
      frame.current = null;
      const added = pending.current;
      pending.current = [];
      setReceived((count) => count + added.length);
      setTailed((rows) => {
        const next = rows.concat(added);
        return next.length > MESSAGE_BUFFER_CAP ? next.slice(next.length - MESSAGE_BUFFER_CAP) : next;
      });
    });
  });
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );
  async function toggleTail() {
    setError(null);
    if (tailId !== null) {
      tailRef.current = null;
      setTailId(null);
      followTail(null);
      await api.messages.tailStop({ id: tailId }).catch(() => undefined);
      return;
    }
    // Subscribed under our own id before the tail starts, so its first records are not missed.
    const id = crypto.randomUUID();
    try {
      pending.current = [];
      setTailed([]);
      setReceived(0);
      setView('tail');
      followTail(id);
      tailRef.current = id;
      await api.messages.tailStart({ connectionId, topic, partition: partitionValue, isolation, tailId: id });
      setTailIsolation(isolation);
      setTailId(id);
    } catch (caught) {
      tailRef.current = null;
      followTail(null);
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    }
  }
  // Stop the engine's tail when the tab goes away.
  useEffect(
    () => () => {
      const id = tailRef.current;
      if (id !== null) void api.messages.tailStop({ id }).catch(() => undefined);
    },
    [api],
  );

  const partitionOptions = [
    { value: 'all', label: 'All partitions' },
    ...detail.partitions.map((p) => ({ value: String(p.partition), label: `Partition ${p.partition}` })),
  ];
  const shown = view === 'browse' ? (page?.messages ?? []) : view === 'scan' ? scanMessages.messages : tailed;
  const caption =
    view === 'browse'
      ? page
        ? `${page.messages.length} messages (read in ${page.tookMs} ms, ${isolationText[page.isolation]})`
        : 'Choose where to start and press Load'
      : view === 'scan'
        ? `${scanMessages.messages.length} matches shown${scanMessages.progress ? ` of ${scanMessages.progress.matched}` : ''}`
        : `Live tail: ${received} new messages${
            received > tailed.length
              ? ` — showing the newest ${tailed.length.toLocaleString('en')} of ${received.toLocaleString('en')}; older rows dropped`
              : ` (the newest ${MESSAGE_BUFFER_CAP.toLocaleString('en')} are kept)`
          }, ${isolationText[tailIsolation]}`;

  return (
    <div data-testid="messages-tab">
      <form
        className="toolbar"
        aria-label="Read messages"
        onSubmit={(event) => {
          event.preventDefault();
          void load(startFromForm());
        }}
      >
        <SelectField label="Partition" value={partition} options={partitionOptions} onChange={setPartition} />
        <SelectField label="Start from" value={startKind} options={startOptions} onChange={setStartKind} />
        {startKind === 'offset' && <TextField label="Offset" type="number" value={offset} onChange={setOffset} />}
        {startKind === 'timestamp' && <TextField label="Time (ISO, e.g. 2024-01-01T10:00:00Z)" value={time} onChange={setTime} />}
        <TextField label="Count" type="number" value={limit} onChange={setLimit} />
        <SelectField label="Isolation" value={isolation} options={isolationOptions} onChange={setIsolation} />
        <button type="submit" disabled={loading}>
          {loading ? 'Loading…' : 'Load'}
        </button>
        <button
          type="button"
          disabled={loading || !page?.hasMoreBefore}
          onClick={() => {
            if (page) void load({ kind: 'before', positions: page.first });
          }}
        >
          ← Older
        </button>
        <button
          type="button"
          disabled={loading || !page?.hasMoreAfter}
          onClick={() => {
            if (page) void load({ kind: 'after', positions: page.next });
          }}
        >
          Newer →
        </button>
        <button type="button" onClick={() => void toggleTail()}>
          {tailId === null ? 'Live tail' : 'Stop tail'}
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(draft === null ? emptyDraft : null);
          }}
        >
          {draft === null ? 'Produce…' : 'Close produce form'}
        </button>
      </form>
      <div className="toolbar">
        <SelectField label="Key decoder" value={keyDecoder} options={decoderOptions} onChange={setKeyDecoder} />
        <SelectField label="Value decoder" value={valueDecoder} options={decoderOptions} onChange={setValueDecoder} />
      </div>
      {draft !== null && (
        <ProduceForm
          key={JSON.stringify(draft)}
          connectionId={connectionId}
          topic={topic}
          partitions={detail.partitions.length}
          initial={draft}
          onProduced={() => undefined}
        />
      )}
      <ScanPanel
        connectionId={connectionId}
        topic={topic}
        partition={partitionValue}
        isolation={isolation}
        onResults={(r) => {
          setScanMessages(r);
          setView('scan');
        }}
      />
      <ErrorMessage error={error} />
      <p className="note">
        Pages hold at most 1,000 rows; scans keep at most 10,000 matches in the engine and show them 200 at a time; the live tail keeps the
        newest {MESSAGE_BUFFER_CAP.toLocaleString('en')} rows and drops older ones. Read committed leaves out records of aborted and
        still-open transactions; transaction markers are never rows.
      </p>
      <MessageTable
        messages={shown}
        keyDecoder={keyDecoder}
        valueDecoder={valueDecoder}
        caption={caption}
        onProduceAgain={(m) => {
          setDraft(draftFrom(m));
        }}
      />
    </div>
  );
}
