import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

/*
 * @platformatic/kafka 2.12.1 defects found while moving the topic views to it, reproduced against
 * the suite's broker in a child process (the hang and the uncaught exception must not take the
 * test runner with them). Worked around in electron/engine/kafka/raw-metadata.ts and raw-offsets.ts.
 */
const bootstrap = inject('kafkaBootstrap');

const script = `
import { Admin } from '@platformatic/kafka';
const admin = new Admin({ clientId: 'defect', bootstrapBrokers: process.argv[1].split(','), retries: 0 });
process.on('uncaughtException', (error) => { console.log('UNCAUGHT ' + error.constructor.name + ': ' + error.message); });
// The suite's tools commit an offset before, so __consumer_offsets exists.
const names = await admin.listTopics({ includeInternals: true });
console.log('LISTED ' + names.includes('__consumer_offsets'));
const metadata = await admin.metadata({ topics: ['__consumer_offsets'], forceUpdate: true });
console.log('METADATA ' + (metadata.topics.get('__consumer_offsets') === undefined ? 'undefined' : 'present'));
const settled = admin.listOffsets({ topics: [{ name: '__consumer_offsets', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] }).then(() => 'resolved', () => 'rejected');
console.log('LISTOFFSETS ' + (await Promise.race([settled, new Promise((done) => setTimeout(() => done('never settled'), 3000))])));
await admin.close().catch(() => undefined);
process.exit(0);
`;

describe('@platformatic/kafka Admin and internal topics', () => {
  it('leaves internal topics out of metadata(), and hangs listOffsets on one with an uncaught TypeError', async () => {
    // Make sure __consumer_offsets exists (an offset commit creates it).
    const { setGroupOffsets, createTopic, deleteTopics } = await import('../kafka.js');
    const topic = `defect-${Date.now().toString(36)}`;
    await createTopic(bootstrap, topic, 1);
    await setGroupOffsets(bootstrap, `${topic}-group`, topic, [{ partition: 0, offset: 0 }]);
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, bootstrap], { timeout: 30_000 });
    await deleteTopics(bootstrap, [topic]);
    console.log(stdout);
    expect(stdout).toContain('LISTED true');
    // The client's own metadata cache skips isInternal topics, so the answer maps the name to undefined…
    expect(stdout).toContain('METADATA undefined');
    // …its listOffsets then reads `.partitions` of undefined inside a socket callback: the error
    // escapes as an uncaught exception and the returned promise never settles.
    expect(stdout).toMatch(/UNCAUGHT TypeError: Cannot read properties of undefined \(reading 'partitions'\)/);
    expect(stdout).toContain('LISTOFFSETS never settled');
  });
});
