import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OwnCluster } from '../reliability/own-cluster.js';
import { createTopic, withAdmin } from '../kafka.js';

/*
 * @platformatic/kafka 2.12.1: Admin.metadata() fails the whole answer when one partition has no
 * leader (the Metadata parser throws on any partition-level error code), so a topic health view
 * built on it shows nothing exactly when a broker is down. The engine reads Metadata itself and
 * keeps such partitions, with leader -1 (electron/engine/kafka/raw-metadata.ts).
 */
let own: OwnCluster;
const topic = 'leaderless';

const script = `
import { Admin } from '@platformatic/kafka';
const admin = new Admin({ clientId: 'defect', bootstrapBrokers: process.argv[1].split(','), retries: 0 });
try {
  await admin.metadata({ topics: [process.argv[2]], forceUpdate: true });
  console.log('METADATA resolved');
} catch (error) {
  const names = [];
  const queue = [error];
  while (queue.length > 0) {
    const e = queue.shift();
    if (!e || typeof e !== 'object') continue;
    names.push(e.apiId ?? e.message);
    queue.push(...(Array.isArray(e.errors) ? e.errors : []), ...(e.cause ? [e.cause] : []));
  }
  console.log('METADATA rejected ' + names.join(' | '));
}
await admin.close().catch(() => undefined);
process.exit(0);
`;

beforeAll(async () => {
  own = await OwnCluster.start('defect-leaderless', 3);
}, 240_000);
afterAll(async () => {
  await own?.stop();
}, 120_000);

describe('@platformatic/kafka Admin.metadata with a broker down', () => {
  it('rejects the whole answer for a topic with a leaderless partition; the engine keeps it with leader -1', async () => {
    await createTopic(own.bootstrap, topic, 3, { replicationFactor: 1 });
    const before = await withAdmin(own.bootstrap, (admin) => admin.topicMetadata([topic]));
    const victim = before.get(topic)?.find((p) => p.leader !== 1);
    expect(victim).toBeDefined();
    await own.kill(victim?.leader ?? -1);
    // The controller fences the dead broker after its session times out: then the partition has no leader.
    let after = before;
    await expect
      .poll(
        async () => {
          after = await withAdmin(own.bootstrap, (admin) => admin.topicMetadata([topic]));
          return after.get(topic)?.find((p) => p.partition === victim?.partition)?.leader;
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(-1);
    expect(after.get(topic)?.filter((p) => p.leader >= 0)).toHaveLength(2);

    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, own.bootstrap, topic], {
      timeout: 60_000,
    });
    console.log(stdout);
    expect(stdout).toMatch(/METADATA rejected .*LEADER_NOT_AVAILABLE/);
  });
});
