import { randomUUID } from 'node:crypto';
import type { KeyStrategy } from '../../../shared/producers.js';
import { fieldOf } from './json-path.js';

export interface EncodedRecord {
  key: string | null;
  value: string;
  headers: Record<string, string> | null;
  /** key + value + headers, for the byte counters and the emulated batch size. */
  size: number;
}

/** JSON writes every record as JSON; string writes text as is and anything else as JSON. */
export function serialize(record: unknown, serializer: 'json' | 'string'): string {
  if (serializer === 'string' && typeof record === 'string') return record;
  return JSON.stringify(record) ?? 'null';
}

export function keyOf(record: unknown, strategy: KeyStrategy): string | null {
  switch (strategy.kind) {
    case 'none':
      return null;
    case 'fixed':
      return strategy.value;
    case 'random':
      return randomUUID();
    case 'field': {
      const value = fieldOf(record, strategy.path);
      if (value === undefined || value === null) return null;
      return typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
}

export function encodeRecord(
  record: unknown,
  options: { key: KeyStrategy; serializer: 'json' | 'string'; headers: readonly { name: string; value: string }[] },
): EncodedRecord {
  const value = serialize(record, options.serializer);
  const key = keyOf(record, options.key);
  const headers = options.headers.length === 0 ? null : Object.fromEntries(options.headers.map((h) => [h.name, h.value]));
  let size = Buffer.byteLength(value) + (key === null ? 0 : Buffer.byteLength(key));
  for (const h of options.headers) size += Buffer.byteLength(h.name) + Buffer.byteLength(h.value);
  return { key, value, headers, size };
}
