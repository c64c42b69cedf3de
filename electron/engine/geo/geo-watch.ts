import { randomUUID } from 'node:crypto';
import type { GeoPoint, GeoStream, GeoWatchStatus } from '../../../shared/geo.js';
import type { EngineContext } from '../context.js';
import type { PartitionReader } from '../kafka/partition-reader.js';
import { describeKafkaError } from '../kafka/errors.js';
import { extractPoint } from './point-extract.js';

const MAX_POINTS = 20_000;
const NOTIFY_MS = 500;
/** More new points than this in one notice (a backfill) → the UI re-reads the track instead. */
const NOTICE_POINTS = 500;
/** The track a map shows on open: the last 90 minutes (about one ISS orbit). */
const BACKFILL_MS = 90 * 60_000;

/**
 * Follows one topic for the map: a group-less tail (PartitionReader) of every partition, starting
 * ~one orbit back (the first offset at that time, else the end), keeping a bounded buffer of points
 * and notifying the UI in small batches. It joins no consumer group: nothing to clean up on the
 * user's cluster, no group ACL needed.
 */
export class GeoWatch {
  readonly id = randomUUID();
  private readonly points: GeoPoint[] = [];
  private pending: GeoPoint[] = [];
  private reader: PartitionReader | undefined;
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private state: GeoWatchStatus['state'] = 'starting';
  private skipped = 0;
  private lastError: string | null = null;
  private stopped = false;

  constructor(
    private readonly context: EngineContext,
    readonly stream: GeoStream,
  ) {}

  async start(): Promise<GeoWatchStatus> {
    const { kafka } = this.context;
    const { connectionId, topic } = this.stream;
    try {
      const since = Date.now() - BACKFILL_MS;
      const positions = await kafka.admin(connectionId, async (admin) => {
        const [marks, byTime] = await Promise.all([admin.watermarks(topic), admin.offsetsForTimestamp(topic, since)]);
        // No record that recent answers -1: start at the end.
        return new Map(
          marks.map((m) => {
            const at = byTime.get(m.partition);
            return [m.partition, at === undefined || at < 0 ? m.high : at];
          }),
        );
      });
      this.reader = kafka.reader(connectionId);
      this.state = 'watching';
      this.loop = this.tail(this.reader, positions);
      this.timer = setInterval(() => this.flush(), NOTIFY_MS);
    } catch (error) {
      this.lastError = describeKafkaError(error, kafka.connection(connectionId).bootstrapServers).message;
      await this.stop();
      this.state = 'error';
    }
    return this.status();
  }

  /** Fetches every partition from its position until stopped; a failed fetch is retried (shown in the status meanwhile). */
  private async tail(reader: PartitionReader, positions: Map<number, number>): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        for (const fetched of await reader.fetch(this.stream.topic, positions, { maxWaitMs: 500, isolation: 'read_committed' })) {
          for (const record of fetched.records) {
            const meta = { partition: record.partition, offset: String(record.offset), timestamp: String(record.timestamp) };
            const result = extractPoint(record.value, meta, this.stream);
            if (result.ok) this.pending.push(result.point);
            else this.skipped++;
          }
          positions.set(fetched.partition, fetched.nextOffset);
        }
        failures = 0;
        this.lastError = null;
      } catch (error) {
        if (this.stopped) return;
        failures++;
        this.lastError = describeKafkaError(error, this.context.kafka.connection(this.stream.connectionId).bootstrapServers).message;
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * 2 ** Math.min(failures, 5))));
      }
    }
  }

  status(): GeoWatchStatus {
    return {
      watchId: this.id,
      topic: this.stream.topic,
      state: this.state,
      points: this.points.length + this.pending.length,
      skipped: this.skipped,
      lastError: this.lastError,
    };
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
    this.stopped = true;
    const reader = this.reader;
    this.reader = undefined;
    await reader?.close();
    await this.loop?.catch(() => undefined);
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
