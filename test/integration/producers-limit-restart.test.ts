import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ProducerStatus } from '../../shared/producers.js';
import { tempDir, uniqueName } from '../helpers.js';
import { topicCount } from '../kafka.js';
import { createTopic } from './producers-helpers.js';

// A producer's message limit counts across a crash of the engine: the count of acknowledged
// records is stored with every acknowledgement and a resumed producer goes on from it (before, a
// limit of 4,000 wrote 5,220 records after one kill; 5,762 in this test). What was in flight at the
// kill — written by the broker, its acknowledgement never seen — is not in the count and is sent
// again: at 1,500 records/s that is at most a few hundred records over the limit (often none).
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('producers-limit-restart');
afterAll(() => dir.remove());

/** Runs the child engine until `stop(status)` says so (then SIGKILL) or it exits; returns the last status. */
async function runChild(
  topic: string,
  mode: 'start' | 'resume',
  limit: number,
  stop: (status: ProducerStatus) => boolean,
): Promise<ProducerStatus> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve('test/integration/producers-limit-child.ts'), dir.path, bootstrap, topic, mode, String(limit)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let last: ProducerStatus | null = null;
  let buffered = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`child (${mode}) did not reach its condition; last status ${JSON.stringify(last)}`)),
      90_000,
    );
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        last = JSON.parse(line) as ProducerStatus;
        if (stop(last)) {
          clearTimeout(timer);
          done();
        }
      }
    });
  });
  child.kill('SIGKILL');
  await exited;
  if (last === null) throw new Error(`child (${mode}) printed no status`);
  return last;
}

describe('a producer message limit across an engine crash', () => {
  it('writes the limit, plus at most what was in flight, when the engine is killed mid-run and resumes the producer', async () => {
    const topic = uniqueName('producers-limit');
    const limit = 4_000;
    // 200 ms of sends at the producer's 1,500 records/s: the requests a kill can leave unanswered.
    const IN_FLIGHT_BOUND = 300;
    await createTopic(bootstrap, topic, 1);
    const killed = await runChild(topic, 'start', limit, (s) => s.sent >= 1_200);
    const before = await topicCount(bootstrap, topic);
    const resumed = await runChild(topic, 'resume', limit, (s) => s.state === 'finished');
    const found = await topicCount(bootstrap, topic);
    console.log(
      `[figure] limit ${limit}: killed at ${killed.sent} acknowledged (${before} in the topic), resumed and finished with ${resumed.sent} in the status; ${found} records in the topic`,
    );
    expect(resumed.state).toBe('finished');
    expect(found).toBeGreaterThanOrEqual(limit);
    expect(found - limit).toBeLessThan(IN_FLIGHT_BOUND);
  }, 240_000);
});
