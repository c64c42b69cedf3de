// Record batch attribute bits (Kafka's DefaultRecordBatch): bit 4 transactional, bit 5 control batch.
const IS_TRANSACTIONAL = 1 << 4;
const IS_CONTROL = 1 << 5;

interface Batch {
  firstOffset: bigint;
  lastOffsetDelta: number;
  attributes: number;
  producerId: bigint;
  records: Array<{ key: Buffer | null }>;
}

/**
 * read_committed: empties the record batches of aborted transactions, by the Java consumer's rule
 * (Fetcher.PartitionRecords): a producer listed in the response's aborted transactions is aborted
 * from that entry's first offset until its ABORT marker, even when the marker lies beyond this
 * response. The client (2.12.1) leaves such batches in when the marker is not in the same response
 * ("open range"), so a fetch cut before the marker handed aborted records over as committed ones
 * (test/client-defects/aborted-open-range.test.ts). Batches are emptied rather than removed so
 * that the caller's next offset still moves past them.
 */
export function emptyAbortedBatches<T extends Batch>(batches: readonly T[] | null | undefined, aborted: ReadonlyArray<{ producerId: bigint; firstOffset: bigint }> | null | undefined): T[] {
  const all = [...(batches ?? [])];
  if (!aborted || aborted.length === 0) return all;
  const pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const active = new Set<bigint>();
  return all.map((batch) => {
    const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    while (pending.length > 0 && (pending[0]?.firstOffset ?? last + 1n) <= last) active.add((pending.shift() as { producerId: bigint }).producerId);
    if ((batch.attributes & IS_CONTROL) !== 0) {
      // Control record key: version (int16), type (int16): 0 ABORT, 1 COMMIT.
      const key = batch.records[0]?.key;
      if (key && key.length >= 4 && key.readInt16BE(2) === 0) active.delete(batch.producerId);
      return batch;
    }
    if ((batch.attributes & IS_TRANSACTIONAL) !== 0 && active.has(batch.producerId)) return { ...batch, records: [] };
    return batch;
  });
}
