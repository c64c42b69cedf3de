import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lz4Decompress, lz4KafkaFrame } from './lz4-frame.js';

describe('lz4 frame for Kafka', () => {
  it('sets the block-independence flag with a valid header checksum and round-trips', () => {
    const input = Buffer.from('{"sensor_id":"sensor_1"}'.repeat(200));
    const frame = lz4KafkaFrame(input);
    expect(frame.readUInt32LE(0)).toBe(0x184d2204);
    expect(frame[4]).toBe(0x60);
    expect(frame.length).toBeLessThan(input.length / 5);
    expect(lz4Decompress(frame).equals(input)).toBe(true);
  });

  it('splits inputs over 4 MiB into independent blocks', () => {
    const input = Buffer.concat([randomBytes(3 * 1024 * 1024), Buffer.alloc(3 * 1024 * 1024, 7)]);
    expect(lz4Decompress(lz4KafkaFrame(input)).equals(input)).toBe(true);
  });

  it('handles an empty input', () => {
    expect(lz4Decompress(lz4KafkaFrame(new Uint8Array())).length).toBe(0);
  });
});
