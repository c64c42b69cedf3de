import type { KafkaAdmin } from './admin.js';

/**
 * DeleteRecords: moves each partition's log start to the given offset, as retention does (the
 * records before it are no longer readable). Returns the new log start per partition.
 */
export async function deleteRecordsBefore(
  admin: KafkaAdmin,
  topic: string,
  offsets: ReadonlyMap<number, number>,
): Promise<Map<number, number>> {
  const deleted = await admin.client.deleteRecords({
    topics: [{ name: topic, partitions: [...offsets].map(([partition, offset]) => ({ partition, offset: BigInt(offset) })) }],
  });
  const out = new Map<number, number>();
  for (const t of deleted) for (const p of t.partitions) out.set(p.partition, Number(p.lowWatermark));
  return out;
}
