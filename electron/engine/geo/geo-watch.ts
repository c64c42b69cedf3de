import { randomUUID } from 'node:crypto';
import type { GeoPoint, GeoStream, GeoWatchStatus } from '../../../shared/geo.js';
import type { EngineContext } from '../context.js';
import type { Consumer } from '../kafka/kafkajs.js';
import { extractPoint } from './point-extract.js';

const MAX_POINTS = 20_000;
const NOTIFY_MS = 500;
/** More new points than this in one notice (a backfill) → the UI re-reads the track instead. */
const NOTICE_POINTS = 500;
/** The track a map shows on open: the last 90 minutes (about one ISS orbit). */
const BACKFILL_MS = 90 * 60_000;

/**
 * Follows one topic for the map: a consumer in a group of its own, starting ~one orbit back, keeping
 * a bounded buffer of points and notifying the UI in small batches.
 */
export class GeoWatch {
  readonly id = randomUUID();
  private readonly points: GeoPoint[] = [];
  private pending: GeoPoint[] = [];
  private consumer: Consumer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private state: GeoWatchStatus['state'] = 'starting';
  private skipped = 0;
  private lastError: string | null = null;
  private readonly groupId = `kwb-geo-${this.id}`;

  constructor(
    private readonly context: EngineContext,
    readonly stream: GeoStream,
  ) {}

  async start(): Promise<GeoWatchStatus> {
    const { kafka } = this.context;
    try {
      const since = Date.now() - BACKFILL_MS;
      const starts = await kafka.withAdmin(this.stream.connectionId, (admin) => admin.fetchTopicOffsetsByTimestamp(this.stream.topic, since));
      const consumer = kafka.kafka(this.stream.connectionId).consumer({ groupId: this.groupId, sessionTimeout: 10_000, rebalanceTimeout: 10_000 });
      this.consumer = consumer;
      await consumer.connect();
      await consumer.subscribe({ topic: this.stream.topic, fromBeginning: false });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const result = extractPoint(message.value, { partition: batch.partition, offset: message.offset, timestamp: message.timestamp }, this.stream);
            if (result.ok) this.pending.push(result.point);
            else this.skipped++;
          }
          await Promise.resolve();
        },
      });
      for (const { partition, offset } of starts) consumer.seek({ topic: this.stream.topic, partition, offset });
      this.state = 'watching';
      this.timer = setInterval(() => this.flush(), NOTIFY_MS);
    } catch (error) {
      this.state = 'error';
      this.lastError = kafka.describe(this.stream.connectionId, error).message;
      await this.stop();
      this.state = 'error';
    }
    return this.status();
  }

  status(): GeoWatchStatus {
    return { watchId: this.id, topic: this.stream.topic, state: this.state, points: this.points.length + this.pending.length, skipped: this.skipped, lastError: this.lastError };
  }

  track(minutes: number): GeoPoint[] {
    this.flush();
    const since = Date.now() - minutes * 60_000;
    return this.points.filter((p) => p.t >= since);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.state = 'stopped';
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) await consumer.disconnect().catch(() => undefined);
    // The group existed only for this view: remove it so it does not clutter the group list.
    await this.context.kafka
      .withAdmin(this.stream.connectionId, (admin) => admin.deleteGroups([this.groupId]))
      .catch(() => undefined);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const fresh = this.pending.sort((a, b) => a.t - b.t);
    this.pending = [];
    this.points.push(...fresh);
    this.points.sort((a, b) => a.t - b.t);
    if (this.points.length > MAX_POINTS) this.points.splice(0, this.points.length - MAX_POINTS);
    const resync = fresh.length > NOTICE_POINTS;
    this.context.events.emit('geo:points', { watchId: this.id, points: resync ? [] : fresh, status: this.status(), resync });
  }
}
