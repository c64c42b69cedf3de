import { zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import SnappyCodec from 'kafkajs-snappy';
import { CompressionCodecs, CompressionTypes } from '../kafka/kafkajs.js';
import { lz4Decompress, lz4KafkaFrame } from './lz4-frame.js';

interface Encoder {
  buffer: Buffer;
}

/**
 * kafkajs ships gzip only. These register snappy (snappyjs, pure JS), lz4 (lz4js, in the LZ4 frame
 * format Kafka reads, see lz4-frame.ts) and zstd (Node's zlib, Node ≥ 22.15). No native downloads. Done
 * once per process; it also lets every kafkajs consumer in the engine read such batches.
 */
let registered = false;
export function registerCodecs(): void {
  if (registered) return;
  registered = true;
  const codecs = CompressionCodecs as Record<number, () => unknown>;
  codecs[CompressionTypes.Snappy] = SnappyCodec;
  codecs[CompressionTypes.LZ4] = () => ({
    compress: (encoder: Encoder) => Promise.resolve(lz4KafkaFrame(encoder.buffer)),
    decompress: (buffer: Buffer) => Promise.resolve(lz4Decompress(buffer)),
  });
  codecs[CompressionTypes.ZSTD] = () => ({
    compress: (encoder: Encoder) => Promise.resolve(zstdCompressSync(encoder.buffer)),
    decompress: (buffer: Buffer) => Promise.resolve(zstdDecompressSync(buffer)),
  });
}

export function compressionType(name: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'): number {
  return { none: CompressionTypes.None, gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD }[name];
}
