import { expect } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { ProducerInput, ProducerStatus, ProducerView } from '../../shared/producers.js';
import type { Engine } from '../../electron/engine/engine.js';
import { createTopic as createTestTopic, readAll, topicCount as countOffsets } from '../kafka.js';
import { data } from '../helpers.js';

export { data };

export async function saveConnection(engine: Engine, bootstrap: string, name = 'suite'): Promise<string> {
  return data<Connection>(await engine.dispatch('connections:save', { name, bootstrapServers: bootstrap.split(',') })).id;
}

export async function createTopic(bootstrap: string, topic: string, partitions = 1): Promise<void> {
  await createTestTopic(bootstrap, topic, partitions);
}

export async function saveProducer(engine: Engine, input: ProducerInput): Promise<ProducerView> {
  return data<ProducerView>(await engine.dispatch('producers:save', input));
}

export async function statusOf(engine: Engine, id: string): Promise<ProducerStatus> {
  const list = data<ProducerView[]>(await engine.dispatch('producers:list', undefined));
  const found = list.find((p) => p.definition.id === id);
  if (!found) throw new Error(`producer ${id} not listed`);
  return found.status;
}

export async function waitForStatus(
  engine: Engine,
  id: string,
  check: (status: ProducerStatus) => boolean,
  timeout = 30_000,
): Promise<ProducerStatus> {
  let last: ProducerStatus | undefined;
  await expect
    .poll(
      async () => {
        last = await statusOf(engine, id);
        return check(last);
      },
      { timeout, interval: 100 },
    )
    .toBe(true);
  return last as ProducerStatus;
}

/** Sum of the high watermarks: how many records the topic holds. */
export async function topicCount(bootstrap: string, topic: string): Promise<number> {
  return countOffsets(bootstrap, topic);
}

export interface Consumed {
  key: string | null;
  value: string;
  partition: number;
  headers: Record<string, string>;
}

/**
 * The first `count` records of the topic (per partition in offset order), read group-less with the
 * engine's PartitionReader; waits up to `timeout` for them to be written.
 */
export async function consume(bootstrap: string, topic: string, count: number, timeout = 30_000): Promise<Consumed[]> {
  const until = Date.now() + timeout;
  for (;;) {
    const records = await readAll(bootstrap, topic);
    if (records.length >= count) {
      return records.slice(0, count).map((r) => ({
        key: r.key?.toString() ?? null,
        value: r.value?.toString() ?? '',
        partition: r.partition,
        headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString() ?? ''])),
      }));
    }
    if (Date.now() > until) throw new Error(`only ${records.length} of ${count} records arrived in ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
