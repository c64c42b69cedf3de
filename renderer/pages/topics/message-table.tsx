import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useRef, useState } from 'react';
import type { AvroResult, KafkaMessage, Payload } from '../../../shared/topic-browser.js';
import { fromBase64 } from '../../../shared/topic-browser/bytes.js';
import { decodePayloadBytes, type Decoded, type DecoderId } from '../../../shared/topic-browser/decoders.js';

/** The Confluent API's names of the formats (its `schemaType`). */
const registryTypes = { avro: 'AVRO', protobuf: 'PROTOBUF', jsonschema: 'JSON' } as const;

export function decodePayload(payload: Payload, decoder: DecoderId): Decoded | null {
  if (payload === null) return null;
  return decodePayloadBytes(fromBase64(payload.base64), decoder, payload.avro);
}

function preview(decoded: Decoded | null): string {
  if (decoded === null) return 'null';
  const flat = decoded.ok && decoded.value !== undefined ? JSON.stringify(decoded.value) : decoded.text;
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      onClick={() =>
        void navigator.clipboard.writeText(text).then(
          () => {
            setDone(true);
          },
          () => {
            setDone(false);
          },
        )
      }
    >
      {done ? 'Copied' : label}
    </button>
  );
}

/** The registry schema of a wire-format payload: id, subject, version, format, Protobuf message. */
function SchemaBadge({ schema }: { schema: AvroResult }) {
  const parts = [
    `schema ${schema.schemaId}`,
    schema.subject === undefined ? null : `${schema.subject} v${schema.version ?? '?'}`,
    schema.format === undefined ? null : registryTypes[schema.format],
    schema.message ?? null,
  ].filter((part) => part !== null);
  return (
    <span className="badge" data-testid="schema-badge">
      {parts.join(' · ')}
    </span>
  );
}

/** Payloads are shown as text nodes only (never HTML): a `<script>` in a message stays text. */
function PayloadView({ title, payload, decoder }: { title: string; payload: Payload; decoder: DecoderId }) {
  const decoded = decodePayload(payload, decoder);
  return (
    <section>
      <h4>
        {title} {decoded && <span className="badge">{decoded.decoder}</span>}{' '}
        {payload?.avro !== undefined && <SchemaBadge schema={payload.avro} />}
        {payload?.truncated === true && <span className="badge badge-error">first 1 MiB of {payload.size} bytes</span>}{' '}
        {decoded && <CopyButton text={decoded.text} label={`Copy ${title.toLowerCase()}`} />}
      </h4>
      {decoded?.error !== undefined && <p className="decode-error">{decoded.error} — shown as hex</p>}
      <pre className="payload" data-testid={`detail-${title.toLowerCase()}`}>
        {decoded === null ? 'null' : decoded.text}
      </pre>
    </section>
  );
}

export interface MessageTableProps {
  messages: KafkaMessage[];
  keyDecoder: DecoderId;
  valueDecoder: DecoderId;
  caption: string;
  onProduceAgain?: (message: KafkaMessage) => void;
}

/** Rows are one line of fixed height (CSS `.message-scroll`), so the virtualizer needs no measuring. */
const ROW_HEIGHT = 29;
/** Module-level so its identity never changes: a new function each render makes the virtualizer re-measure all rows (O(n) per scroll frame). */
const rowHeight = () => ROW_HEIGHT;

/** One row, decoded only when it is rendered: with 100,000 rows loaded only the visible ones decode. */
const MessageRow = memo(function MessageRow({
  m,
  start,
  keyDecoder,
  valueDecoder,
  selected,
  onToggle,
}: {
  m: KafkaMessage;
  start: number;
  keyDecoder: DecoderId;
  valueDecoder: DecoderId;
  selected: boolean;
  onToggle: (id: string) => void;
}) {
  const id = `${m.partition}:${m.offset}`;
  const value = decodePayload(m.value, valueDecoder);
  return (
    <tr
      className="msg-row"
      data-testid="message-row"
      aria-selected={selected}
      tabIndex={0}
      style={{ transform: `translateY(${start}px)` }}
      onClick={() => {
        onToggle(id);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter') onToggle(id);
      }}
    >
      <td className="num">{m.partition}</td>
      <td className="num">{m.offset}</td>
      <td title={m.timestampType}>{new Date(m.timestamp).toISOString()}</td>
      <td className="cell-preview">{preview(decodePayload(m.key, keyDecoder))}</td>
      <td className={`cell-preview${value?.ok === false ? ' decode-error' : ''}`}>{preview(value)}</td>
      <td className="num">{m.headers.length}</td>
      <td className="num">{m.size}</td>
    </tr>
  );
});

export function MessageTable({ messages, keyDecoder, valueDecoder, caption, onProduceAgain }: MessageTableProps) {
  const [selected, setSelected] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  // Virtualised: only the rows in view (plus a few) are in the DOM, so 100,000 loaded rows scroll smoothly.
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const toggle = useCallback((id: string) => {
    setSelected((current) => (current === id ? null : id));
  }, []);
  const current = selected === null ? undefined : messages.find((m) => `${m.partition}:${m.offset}` === selected);
  return (
    <>
      <div className="message-scroll" ref={scrollRef} data-testid="message-scroll">
        <table className="table message-grid" data-testid="message-table" data-rows={messages.length}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                Partition
              </th>
              <th scope="col" className="num">
                Offset
              </th>
              <th scope="col">Timestamp</th>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
              <th scope="col" className="num">
                Headers
              </th>
              <th scope="col" className="num">
                Size
              </th>
            </tr>
          </thead>
          {/* Grid layout with absolutely placed rows (TanStack's virtual-table pattern): a scroll step
              moves a few rows instead of re-laying out a table millions of pixels tall. */}
          <tbody style={{ height: messages.length === 0 ? undefined : virtualizer.getTotalSize() }}>
            {messages.length === 0 && (
              <tr className="msg-empty">
                <td className="empty">No messages.</td>
              </tr>
            )}
            {items.map((item) => {
              const m = messages[item.index];
              if (m === undefined) return null;
              // Keyed by slot, not by record: a scroll step reuses the same ~30 DOM rows (new text and
              // offset) instead of removing and creating them.
              return (
                <MessageRow
                  key={item.index - (items[0]?.index ?? 0)}
                  m={m}
                  start={item.start}
                  keyDecoder={keyDecoder}
                  valueDecoder={valueDecoder}
                  selected={selected === `${m.partition}:${m.offset}`}
                  onToggle={toggle}
                />
              );
            })}
          </tbody>
        </table>
      </div>
      {current !== undefined && (
        <div className="subpanel row-detail" data-testid="message-detail">
          <h3>
            Partition {current.partition}, offset {current.offset} · {new Date(current.timestamp).toISOString()} ({current.timestampType})
          </h3>
          <PayloadView title="Key" payload={current.key} decoder={keyDecoder} />
          <PayloadView title="Value" payload={current.value} decoder={valueDecoder} />
          <h4>Headers</h4>
          {current.headers.length === 0 ? (
            <p className="note">None.</p>
          ) : (
            <table className="table" data-testid="detail-headers">
              <tbody>
                {current.headers.map((h, i) => (
                  <tr key={`${h.key}-${String(i)}`}>
                    <td className="mono">{h.key}</td>
                    <td className="mono">{decodePayload(h.value, 'auto')?.text ?? 'null'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {onProduceAgain && (
            <button
              type="button"
              onClick={() => {
                onProduceAgain(current);
              }}
            >
              Produce again
            </button>
          )}
        </div>
      )}
    </>
  );
}
