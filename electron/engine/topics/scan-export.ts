import type { ColumnSpec } from '../../../shared/exports.js';
import type { KafkaMessage, Payload } from '../../../shared/topic-browser.js';
import { fromBase64 } from '../../../shared/topic-browser/bytes.js';
import { decodeBytes } from '../../../shared/topic-browser/decoders.js';
import { headersJson } from '../headers-json.js';
import { openLocalOutput } from '../exports/targets/local-folder.js';
import { createWriter } from '../exports/writers/create-writer.js';
import type { Row } from '../exports/writers/types.js';

/** Every field of a message: decoded text to read, base64 to get the exact bytes back. */
export const scanExportColumns: ColumnSpec[] = [
  { name: 'partition', type: 'int32', nullable: false },
  { name: 'offset', type: 'int64', nullable: false },
  { name: 'timestamp', type: 'timestamp-ms', nullable: false },
  { name: 'timestamp_type', type: 'string', nullable: false },
  { name: 'key', type: 'string', nullable: true },
  { name: 'value', type: 'string', nullable: true },
  { name: 'headers', type: 'string', nullable: false },
  { name: 'key_decoder', type: 'string', nullable: true },
  { name: 'value_decoder', type: 'string', nullable: true },
  { name: 'key_base64', type: 'string', nullable: true },
  { name: 'value_base64', type: 'string', nullable: true },
  { name: 'size', type: 'int32', nullable: false },
  { name: 'truncated', type: 'boolean', nullable: false },
];

function text(payload: Payload): { text: string | null; decoder: string | null } {
  if (payload === null) return { text: null, decoder: null };
  const decoded = decodeBytes(fromBase64(payload.base64));
  // JSON on one line (a JSONL/CSV cell); anything that does not decode is the hex dump.
  const flat = decoded.ok && decoded.decoder === 'json' ? JSON.stringify(decoded.value) : decoded.text;
  return { text: flat, decoder: decoded.ok ? decoded.decoder : 'hex' };
}

export function messageRow(message: KafkaMessage): Row {
  const key = text(message.key);
  const value = text(message.value);
  const headers = headersJson(
    message.headers.map((h) => ({ key: h.key, value: h.value === null ? null : decodeBytes(fromBase64(h.value.base64), 'string').text })),
  );
  return {
    partition: message.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    timestamp_type: message.timestampType,
    key: key.text,
    value: value.text,
    headers,
    key_decoder: key.decoder,
    value_decoder: value.decoder,
    key_base64: message.key?.base64 ?? null,
    value_base64: message.value?.base64 ?? null,
    size: message.size,
    truncated: message.key?.truncated === true || message.value?.truncated === true,
  };
}

export interface ScanExportRequest {
  format: 'jsonl' | 'csv';
  folder: string;
  fileName: string;
  total: number;
  /** Pages of matches, read from the engine's scan buffer one batch at a time. */
  page: (offset: number, limit: number) => KafkaMessage[];
  onProgress: (written: number) => void;
  signal?: AbortSignal;
}

const BATCH = 500;

/**
 * Writes a scan's matches with the exports feature's writers (JSONL or CSV) to a temp file that is
 * renamed when complete, so a failed or cancelled export leaves no partial file.
 */
export async function exportScan(request: ScanExportRequest): Promise<{ location: string; rows: number; bytes: number }> {
  const output = await openLocalOutput(request.folder, request.fileName);
  const writer = createWriter(
    request.format === 'csv' ? { kind: 'csv', delimiter: ',', header: true } : { kind: 'jsonl' },
    scanExportColumns,
    output.sink,
  );
  try {
    for (let offset = 0; offset < request.total; offset += BATCH) {
      if (request.signal?.aborted === true) throw new Error('export cancelled');
      await writer.write(request.page(offset, BATCH).map(messageRow));
      request.onProgress(writer.rowsWritten);
      // Let the event loop breathe between batches (progress events, other calls).
      await new Promise((done) => setImmediate(done));
    }
    await writer.close();
    await output.commit();
    return { location: output.location, rows: writer.rowsWritten, bytes: writer.bytesWritten };
  } catch (error) {
    await output.abort();
    throw error;
  }
}
