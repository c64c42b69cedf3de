// Client defect (@platformatic/kafka 2.12.1), seen once in CI on 2026-12-03 and not root-caused:
// a NON-idempotent producer (acks=all, retries 12) sending to all three partitions while the leader
// of one partition hangs (SIGSTOP), leadership moves, and the hung node is killed: send() resolved
// without error, yet that partition's 100 records were never written (200 of 300 found; the same
// scenario with the idempotent protocol found 300 of 300 in every run). Workaround: the embedded
// producer uses idempotence whenever acks=all, retries ≥ 2 and max in flight ≤ 5
// (usesIdempotence in electron/engine/kafka/send-engine.ts, as the Java client since Kafka 3.0).
// This keeps the non-idempotent path (max in flight 6 turns the upgrade off) and repeats the
// scenario until a send resolves with records missing, for at most MAX_MS: it passes while the
// defect exists, and fails when no round loses anything (then the workaround may be reconsidered).
// Run: npm run test:client-defects (it starts a 3-broker cluster of its own).
import { describe, expect, it } from 'vitest';
import { producerConfigSchema } from '../../shared/producers.js';
import { KafkaSendEngine, usesIdempotence } from '../../electron/engine/kafka/send-engine.js';
import { withAdmin } from '../kafka.js';
import { uniqueName } from '../helpers.js';
import { OwnCluster, readAll } from '../reliability/own-cluster.js';

const MAX_MS = 600_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function leaders(bootstrap: string, topic: string): Promise<number[]> {
  return withAdmin(bootstrap, async (admin) =>
    ((await admin.topicMetadata([topic])).get(topic) ?? []).sort((a, b) => a.partition - b.partition).map((p) => p.leader),
  );
}

describe('@platformatic/kafka without idempotence, a leader that hangs and dies mid-send', () => {
  it("lets a send resolve with one partition's records missing", async () => {
    const cluster = await OwnCluster.start('defect-leader-move', 3);
    const lost: number[] = [];
    try {
      const config = producerConfigSchema.parse({ acks: 'all', idempotent: false, retries: 12, maxInFlight: 6, requestTimeoutMs: 60_000 });
      expect(usesIdempotence(config)).toBe(false);
      const until = Date.now() + MAX_MS;
      while (Date.now() < until && !lost.some((n) => n > 0)) {
        await cluster.restart();
        const topic = uniqueName('defect-leader-move');
        await withAdmin(cluster.bootstrap, (admin) =>
          admin.createTopicsAndWait([
            { topic, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] },
          ]),
        );
        let before = await leaders(cluster.bootstrap, topic);
        while (new Set(before).size !== 3) {
          await sleep(500);
          before = await leaders(cluster.bootstrap, topic);
        }
        const doomed = before[1] ?? -1;
        const connection = {
          name: 'defect',
          bootstrapServers: cluster.bootstrap.split(','),
          clientId: 'defect',
          ssl: { enabled: false, rejectUnauthorized: true },
        };
        const sender = new KafkaSendEngine(connection, null, topic, config);
        await sender.connect();
        try {
          // Warm-up: connections to the three leaders; then 100 records per partition in one send.
          await sender.send([0, 1, 2].map((p) => ({ key: null, value: JSON.stringify({ id: 0, p }), headers: null })));
          cluster.freeze(doomed);
          const sending = sender.send(
            Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ id: i + 1 }), headers: null })),
          );
          sending.catch(() => undefined);
          const live = cluster.status.nodes
            .filter((n) => n.nodeId !== doomed)
            .map((n) => `127.0.0.1:${n.port}`)
            .join(',');
          for (let moved = false; !moved;) {
            await sleep(500);
            moved = ((await leaders(live, topic).catch(() => [])) as number[]).every((l) => l > 0 && l !== doomed);
          }
          await cluster.kill(doomed);
          await sending;
        } finally {
          await sender.disconnect();
        }
        const ids = new Set(
          (await readAll(cluster.bootstrap, topic))
            .map((r) => (JSON.parse(r.value?.toString() ?? 'null') as { id: number }).id)
            .filter((id) => id > 0),
        );
        lost.push(300 - ids.size);
      }
    } finally {
      await cluster.stop();
    }
    console.log(`[client-defect] records missing after a resolved send, per round: ${JSON.stringify(lost)}`);
    expect(lost.some((n) => n > 0)).toBe(true);
  }, 900_000);
});
