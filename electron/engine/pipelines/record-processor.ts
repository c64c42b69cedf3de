import type { BadReason, BadRecord, PipelineSpec } from '../../../shared/pipelines.js';
import { compileFilter, isTooCostly, type RawRecord } from '../topics/filter.js';
import type { ConsumedRecord } from '../kafka/records.js';
import { compileProjection, decode, splitWords, type Projection } from './projection.js';
import type { Row } from './row.js';

export interface ProcessedBatch {
  rows: Row[];
  /** Rows with their record id, for the table sink (projection-only pipelines). */
  tableRows: { id: string; row: Row }[];
  bad: (BadRecord & { message: ConsumedRecord })[];
}

/**
 * Kafka records → rows: decode, filter (the topic browser's CEL gate, one gate for every path),
 * project or split into words. A bad record is returned with its reason; it never throws.
 */
export class RecordProcessor {
  private readonly spec: PipelineSpec;
  private readonly filter: ((partition: number, message: ConsumedRecord) => boolean) | null;
  private readonly project: Projection;
  /** Only a projection-only pipeline writes rows to a table sink; an aggregating one needs no record ids. */
  private readonly keepsTableRows: boolean;

  constructor(spec: PipelineSpec) {
    this.spec = spec;
    this.project = compileProjection(spec.projection);
    this.keepsTableRows = !spec.aggregation;
    const predicate = spec.filter ? compileFilter(spec.filter) : null;
    this.filter = predicate ? (partition, message) => predicate(toRaw(partition, message)) : null;
  }

  process(topic: string, partition: number, messages: readonly ConsumedRecord[]): ProcessedBatch {
    const out: ProcessedBatch = { rows: [], tableRows: [], bad: [] };
    const bad = (message: ConsumedRecord, reason: BadReason, error: string) =>
      out.bad.push({ topic, partition, offset: String(message.offset), reason, error, message });
    for (const message of messages) {
      if (this.filter) {
        try {
          if (!this.filter(partition, message)) continue;
        } catch (error) {
          bad(message, isTooCostly(error) ? 'filter-too-costly' : 'filter', error instanceof Error ? error.message : String(error));
          continue;
        }
      }
      const decoded = decode(message.value, this.spec.decoder);
      if (!decoded.ok) {
        bad(message, 'decode', decoded.error);
        continue;
      }
      if (this.spec.wordSplit) {
        // One by one: spreading a record of a million words into push() overflows the stack.
        for (const word of splitWords(
          typeof decoded.value === 'string' ? decoded.value : JSON.stringify(decoded.value),
          this.spec.wordSplit.separator,
        ))
          out.rows.push(word);
        continue;
      }
      const projected = this.project(decoded.value);
      if (!projected.ok) {
        bad(message, projected.reason, projected.error);
        continue;
      }
      out.rows.push(projected.row);
      if (this.keepsTableRows) out.tableRows.push({ id: `${topic}/${partition}/${message.offset}`, row: projected.row });
    }
    return out;
  }
}

/** The filter's view of a record: the same fields (the gate is shared with the topic browser). */
function toRaw(partition: number, record: ConsumedRecord): RawRecord {
  return { partition, offset: record.offset, timestamp: record.timestamp, key: record.key, value: record.value, headers: record.headers };
}
