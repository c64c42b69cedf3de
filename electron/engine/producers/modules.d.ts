// Untyped packages used by codecs.ts.
declare module 'kafkajs-snappy' {
  const codec: () => { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };
  export default codec;
}
declare module 'lz4js' {
  export function compress(data: Uint8Array): Uint8Array | number[];
  export function decompress(data: Uint8Array): Uint8Array | number[];
}
declare module 'lz4js/xxh32.js' {
  export function hash(seed: number, src: Uint8Array, index: number, length: number): number;
}
