import lz4 from 'lz4js';
import xxh32 from 'lz4js/xxh32.js';

/** lz4js's largest block (4 MiB), the LZ4 frame's block-max-size code 7. */
const BLOCK = 4 * 1024 * 1024;
const HEADER = 7;
const END_MARK = 4;

/**
 * An LZ4 frame the way Kafka writes and reads it (KafkaLZ4BlockOutputStream): blocks independent,
 * flagged as such. lz4js leaves the block-independence flag unset, which Kafka's reader refuses, so
 * each ≤ 4 MiB chunk is compressed on its own (a fresh frame, hence independent) and the blocks are
 * joined under one header with the flag set and its header checksum recomputed.
 */
export function lz4KafkaFrame(input: Uint8Array): Buffer {
  const blocks: Buffer[] = [];
  for (let at = 0; at < input.length || (at === 0 && blocks.length === 0); at += BLOCK) {
    const frame = Buffer.from(lz4.compress(input.subarray(at, at + BLOCK)));
    blocks.push(frame.subarray(HEADER, frame.length - END_MARK));
    if (input.length === 0) break;
  }
  const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x40 | 0x20, 7 << 4, 0]);
  header[6] = (xxh32.hash(0, header, 4, 2) >>> 8) & 0xff;
  return Buffer.concat([header, ...blocks, Buffer.alloc(END_MARK)]);
}

export function lz4Decompress(buffer: Uint8Array): Buffer {
  return Buffer.from(lz4.decompress(buffer));
}
