import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from '../../shared/connection.js';
import type { GroupDetail } from '../../shared/topic-browser.js';
import { data, tempDir, testEngine, uniqueName } from '../helpers.js';

/*
 * @platformatic/kafka 2.12.1: Admin.describeGroups decodes every member's metadata and assignment
 * as the consumer protocol. For a group of another protocol (here Kafka Connect's, joined and
 * synced by hand with its real wire format) the decoder throws inside the client's socket
 * callback: an uncaught OutOfBoundsError, and a promise that never settles. The engine describes
 * only consumer-protocol groups through it (electron/engine/topics/groups.ts).
 */
const bootstrap = inject('kafkaBootstrap');
const dir = tempDir('defect-connect-group');
const engine = testEngine(dir.path);
afterAll(async () => {
  await engine.dispose();
  dir.remove();
});

const script = `import { Admin, joinGroupV9, syncGroupV5, kGetConnection, FindCoordinatorKeyTypes } from '@platformatic/kafka';
const admin = new Admin({ clientId: 'defect', bootstrapBrokers: process.argv[1].split(','), retries: 5, retryDelay: 300 });
process.on('uncaughtException', (error) => { console.log('UNCAUGHT ' + error.constructor.name + ': ' + error.message); });
const groupId = process.argv[2];
const [coordinator] = await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [groupId] });
const connection = await new Promise((ok, ko) => admin[kGetConnection]({ host: coordinator.host, port: coordinator.port }, (e, c) => (e ? ko(e) : ok(c))));
// Kafka Connect's worker metadata (ConnectProtocol v0): version int16, url string, config offset int64.
const url = Buffer.from('http://connect-worker:8083/');
const metadata = Buffer.alloc(2 + 2 + url.length + 8);
metadata.writeInt16BE(0, 0); metadata.writeInt16BE(url.length, 2); url.copy(metadata, 4); metadata.writeBigInt64BE(5n, 4 + url.length);
const join = (memberId) => joinGroupV9.api.async(connection, groupId, 30000, 30000, memberId, null, 'connect', [{ name: 'default', metadata }], null);
let memberId = '';
try { await join(''); } catch (e) { memberId = e.errors?.[0]?.memberId ?? e.response?.memberId ?? ''; }
const joined = await join(memberId);
console.log('JOINED ' + (joined.memberId === memberId) + ' protocolType connect');
// Connect's assignment (v0): version, error, leader, leaderUrl, config offset, connectors, tasks.
const assignment = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from([0, memberId.length]), Buffer.from(memberId), Buffer.from([0, url.length]), url, Buffer.alloc(8), Buffer.alloc(4), Buffer.alloc(4)]);
await syncGroupV5.api.async(connection, groupId, joined.generationId, memberId, null, 'connect', 'default', [{ memberId, assignment }]);
const listed = await admin.listGroups();
console.log('LISTED ' + listed.get(groupId)?.protocolType);
const settled = admin.describeGroups({ groups: [groupId] }).then((g) => 'resolved ' + JSON.stringify([...g.values()].map((x) => [x.state, x.protocolType, [...x.members.values()].map((m) => [m.metadata?.topics?.length, m.assignments ? [...m.assignments.keys()].length : null])])), (e) => 'rejected ' + e.message);
console.log('DESCRIBE ' + (await Promise.race([settled, new Promise((done) => setTimeout(() => done('never settled'), 5000))])));
await admin.close().catch(() => undefined);
process.exit(0);
`;

describe('@platformatic/kafka Admin.describeGroups on a Kafka Connect group', () => {
  it('throws out of its callbacks and never settles; the engine lists and describes the group without it', async () => {
    const groupId = uniqueName('connect-defect');
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, bootstrap, groupId], {
      timeout: 60_000,
    });
    console.log(stdout);
    expect(stdout).toContain('LISTED connect');
    expect(stdout).toMatch(/UNCAUGHT OutOfBoundsError/);
    expect(stdout).toContain('DESCRIBE never settled');

    // The member stays until its 30 s session times out: the group is Stable with one member now.
    const connectionId = data<Connection>(
      await engine.dispatch('connections:save', { name: 'suite', bootstrapServers: bootstrap.split(',') }),
    ).id;
    const listed = data<{ groupId: string; protocolType: string; state: string }[]>(await engine.dispatch('groups:list', { connectionId }));
    expect(listed.find((g) => g.groupId === groupId)).toEqual({ groupId, protocolType: 'connect', state: 'Stable' });
    const detail = data<GroupDetail>(await engine.dispatch('groups:describe', { connectionId, groupId }));
    expect(detail).toMatchObject({ groupId, state: 'Stable', protocolType: 'connect', members: [] });
  });
});
