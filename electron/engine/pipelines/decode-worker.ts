import { parentPort, workerData } from 'node:worker_threads';
import { ChunkDecoder, chunkTransfers, type DecodeSpec, type PackedValues } from './decode-chunk.js';

/**
 * A decode worker (DecodePool): decodes and projects the packed values it is sent with the
 * pipeline's spec, and sends the rows back by column. It holds no state between chunks.
 */
const port = parentPort;
if (!port) throw new Error('decode-worker.ts runs as a worker thread (DecodePool)');
const decoder = new ChunkDecoder(workerData as DecodeSpec);
port.on('message', (message: { id: number; packed: PackedValues }) => {
  const chunk = decoder.decode(message.packed);
  port.postMessage({ id: message.id, chunk }, chunkTransfers(chunk));
});
