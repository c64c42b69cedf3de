import { useMemo, useState } from 'react';
import type { KafkaMessage, Payload } from '../../../shared/topic-browser.js';
import { fromBase64 } from '../../../shared/topic-browser/bytes.js';
import { decodeBytes, type Decoded, type DecoderId } from '../../../shared/topic-browser/decoders.js';

export function decodePayload(payload: Payload, decoder: DecoderId): Decoded | null {
  if (payload === null) return null;
  return decodeBytes(fromBase64(payload.base64), decoder);
}

function preview(decoded: Decoded | null): string {
  if (decoded === null) return 'null';
  const flat = decoded.decoder === 'json' || decoded.decoder === 'msgpack' ? JSON.stringify(decoded.value) : decoded.text;
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button type="button" onClick={() => void navigator.clipboard.writeText(text).then(() => { setDone(true); }, () => { setDone(false); })}>
      {done ? 'Copied' : label}
    </button>
  );
}

/** Payloads are shown as text nodes only (never HTML): a `<script>` in a message stays text. */
function PayloadView({ title, payload, decoder }: { title: string; payload: Payload; decoder: DecoderId }) {
  const decoded = decodePayload(payload, decoder);
  return (
    <section>
      <h4>
        {title} {decoded && <span className="badge">{decoded.decoder}</span>} {payload?.truncated === true && <span className="badge badge-error">first 1 MiB of {payload.size} bytes</span>}{' '}
        {decoded && <CopyButton text={decoded.text} label={`Copy ${title.toLowerCase()}`} />}
      </h4>
      {decoded?.error !== undefined && <p className="decode-error">{decoded.error} — shown as hex</p>}
      <pre className="payload" data-testid={`detail-${title.toLowerCase()}`}>{decoded === null ? 'null' : decoded.text}</pre>
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

export function MessageTable({ messages, keyDecoder, valueDecoder, caption, onProduceAgain }: MessageTableProps) {
  const [selected, setSelected] = useState<string | null>(null);
  const rows = useMemo(
    () => messages.map((m) => ({ m, id: `${m.partition}:${m.offset}`, key: preview(decodePayload(m.key, keyDecoder)), value: decodePayload(m.value, valueDecoder) })),
    [messages, keyDecoder, valueDecoder],
  );
  const current = rows.find((r) => r.id === selected)?.m;
  return (
    <>
      <table className="table" data-testid="message-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="num">Partition</th><th scope="col" className="num">Offset</th><th scope="col">Timestamp</th>
            <th scope="col">Key</th><th scope="col">Value</th><th scope="col" className="num">Headers</th><th scope="col" className="num">Size</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && <tr><td colSpan={7} className="empty">No messages.</td></tr>}
          {rows.map(({ m, id, key, value }) => (
            <tr key={id} className="msg-row" data-testid="message-row" aria-selected={selected === id} tabIndex={0}
              onClick={() => { setSelected(selected === id ? null : id); }}
              onKeyDown={(event) => { if (event.key === 'Enter') setSelected(selected === id ? null : id); }}>
              <td className="num">{m.partition}</td>
              <td className="num">{m.offset}</td>
              <td title={m.timestampType}>{new Date(m.timestamp).toISOString()}</td>
              <td className="cell-preview">{key}</td>
              <td className={`cell-preview${value?.ok === false ? ' decode-error' : ''}`}>{preview(value)}</td>
              <td className="num">{m.headers.length}</td>
              <td className="num">{m.size}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {current !== undefined && (
        <div className="subpanel row-detail" data-testid="message-detail">
          <h3>Partition {current.partition}, offset {current.offset} · {new Date(current.timestamp).toISOString()} ({current.timestampType})</h3>
          <PayloadView title="Key" payload={current.key} decoder={keyDecoder} />
          <PayloadView title="Value" payload={current.value} decoder={valueDecoder} />
          <h4>Headers</h4>
          {current.headers.length === 0 ? <p className="note">None.</p> : (
            <table className="table" data-testid="detail-headers">
              <tbody>
                {current.headers.map((h, i) => (
                  <tr key={`${h.key}-${String(i)}`}><td className="mono">{h.key}</td><td className="mono">{decodePayload(h.value, 'auto')?.text ?? 'null'}</td></tr>
                ))}
              </tbody>
            </table>
          )}
          {onProduceAgain && <button type="button" onClick={() => { onProduceAgain(current); }}>Produce again</button>}
        </div>
      )}
    </>
  );
}
