import { parentPort } from 'node:worker_threads';
import { ChunkDecoder, chunkTransfers } from './decode-chunk.js';
import { CLAIM_FREE, CLAIM_WORKER, type DecodeRequest } from './decode-pool.js';

/**
 * A decode worker (DecodePool): decodes and projects the packed values it is sent with the spec
 * they name (sent along the first time), and sends the rows back by column.
 */
const port = parentPort;
if (!port) throw new Error('decode-worker.ts runs as a worker thread (DecodePool)');
const decoders = new Map<number, ChunkDecoder>();
port.on('message', (message: DecodeRequest | { forget: number }) => {
  if ('forget' in message) {
    decoders.delete(message.forget);
    return;
  }
  let decoder = decoders.get(message.specId);
  if (!decoder) {
    if (!message.spec) throw new Error(`decode worker: no spec ${message.specId}`);
    decoder = new ChunkDecoder(message.spec);
    decoders.set(message.specId, decoder);
  }
  // A chunk decoded ahead may have been taken back by the main thread meanwhile (DecodePool.decodeAhead).
  if (message.claim && Atomics.compareExchange(message.claim, 0, CLAIM_FREE, CLAIM_WORKER) !== CLAIM_FREE) {
    port.postMessage({ id: message.id, chunk: null });
    return;
  }
  const chunk = decoder.decode(message.packed);
  port.postMessage({ id: message.id, chunk }, chunkTransfers(chunk));
});
