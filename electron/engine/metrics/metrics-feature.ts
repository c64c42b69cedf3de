import type { MetricsSnapshot } from '../../../shared/metrics.js';
import type { EngineContext, EngineFeature } from '../context.js';
import { rateBetween, Series } from './series.js';
import { windowCharts } from './window-charts.js';

const INTERVAL_MS = 5_000;
const CAPACITY = 180; // 15 minutes at 5 s
const MAX_TOPICS = 50;
/** Per-partition lag series kept per pipeline. */
const MAX_PARTITIONS = 64;
/** A connection is sampled while a view asked for it within this time. */
const INTEREST_MS = 60_000;

interface TopicState {
  series: Series;
  last?: { t: number; total: bigint };
}

/**
 * Throughput and lag over time: topic rates from high-watermark deltas (sampled every 5 s for the
 * connections a view is showing), producer rates and pipeline rates/lag from their status events.
 */
export class MetricsFeature implements EngineFeature<'metrics:snapshot' | 'metrics:windowCharts'> {
  private readonly interest = new Map<string, number>();
  private readonly topics = new Map<string, Map<string, TopicState>>();
  private readonly totals = new Map<string, number>();
  private readonly producers = new Map<string, Series>();
  private readonly pipelines = new Map<
    string,
    { in: Series; out: Series; lag: Series; partitions: Map<string, { topic: string; partition: number; lag: Series }> }
  >();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  private sampling = false;

  constructor(private readonly context: EngineContext) {
    this.unsubscribe.push(
      context.events.on('producers:status', (s) => this.seriesOf(this.producers, s.id).add(Date.now(), s.rate)),
      context.events.on('pipelines:status', (s) => {
        const now = Date.now();
        let p = this.pipelines.get(s.pipelineId);
        if (!p)
          this.pipelines.set(
            s.pipelineId,
            (p = { in: new Series(CAPACITY), out: new Series(CAPACITY), lag: new Series(CAPACITY), partitions: new Map() }),
          );
        p.in.add(now, s.recordsPerSecondIn);
        p.out.add(now, s.rowsPerSecondOut);
        p.lag.add(
          now,
          s.lag.reduce((sum, l) => sum + l.lag, 0),
        );
        for (const l of s.lag) {
          const key = `${l.topic}:${l.partition}`;
          let partition = p.partitions.get(key);
          if (!partition && p.partitions.size >= MAX_PARTITIONS) continue;
          if (!partition) p.partitions.set(key, (partition = { topic: l.topic, partition: l.partition, lag: new Series(CAPACITY) }));
          partition.lag.add(now, l.lag);
        }
      }),
    );
    this.timer = setInterval(() => void this.sample(), INTERVAL_MS);
    this.timer.unref();
  }

  handlers() {
    return {
      'metrics:windowCharts': (input: { id: string; rangeMs: number | null; width: number }) => windowCharts(this.context.db, input),
      'metrics:snapshot': ({ connectionId }: { connectionId: string }): MetricsSnapshot => {
        this.interest.set(connectionId, Date.now());
        const topics = [...(this.topics.get(connectionId) ?? new Map<string, TopicState>()).entries()]
          .map(([name, state]) => ({ name, rate: state.series.toArray() }))
          .sort((a, b) => (b.rate.at(-1)?.v ?? 0) - (a.rate.at(-1)?.v ?? 0) || a.name.localeCompare(b.name));
        return {
          intervalMs: INTERVAL_MS,
          topics,
          topicsSampled: topics.length,
          topicsTotal: this.totals.get(connectionId) ?? topics.length,
          producers: [...this.producers.entries()].map(([id, s]) => ({ id, rate: s.toArray() })),
          pipelines: [...this.pipelines.entries()].map(([id, p]) => ({
            id,
            in: p.in.toArray(),
            out: p.out.toArray(),
            lag: p.lag.toArray(),
            partitions: [...p.partitions.values()].map((l) => ({ topic: l.topic, partition: l.partition, lag: l.lag.toArray() })),
          })),
        };
      },
    };
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const off of this.unsubscribe) off();
  }

  private seriesOf(map: Map<string, Series>, id: string): Series {
    let s = map.get(id);
    if (!s) map.set(id, (s = new Series(CAPACITY)));
    return s;
  }

  /** One sampling round; skipped when the previous one is still running (a slow broker). */
  private async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const now = Date.now();
      for (const [connectionId, askedAt] of this.interest) {
        if (now - askedAt > INTEREST_MS) {
          this.interest.delete(connectionId);
          continue;
        }
        await this.sampleTopics(connectionId).catch((error: unknown) => this.context.log('warn', `metrics: ${String(error)}`));
      }
      this.context.events.emit('metrics:tick', { t: now });
    } finally {
      this.sampling = false;
    }
  }

  private async sampleTopics(connectionId: string): Promise<void> {
    await this.context.kafka.admin(connectionId, async (admin) => {
      const names = (await admin.listTopics()).filter((n) => !n.startsWith('__')).sort();
      this.totals.set(connectionId, names.length);
      let states = this.topics.get(connectionId);
      if (!states) this.topics.set(connectionId, (states = new Map<string, TopicState>()));
      // Keep the topics already followed (their series), then fill up to the cap.
      const followed = [...states.keys()].filter((n) => names.includes(n));
      const chosen = [...followed, ...names.filter((n) => !states.has(n))].slice(0, MAX_TOPICS);
      for (const name of [...states.keys()]) if (!chosen.includes(name)) states.delete(name);
      for (const name of chosen) {
        const offsets = await admin.watermarks(name);
        const total = offsets.reduce((sum, o) => sum + BigInt(o.high), 0n);
        const t = Date.now();
        let state = states.get(name);
        if (!state) states.set(name, (state = { series: new Series(CAPACITY) }));
        const rate = rateBetween(state.last, { t, total });
        state.last = { t, total };
        if (rate !== null) state.series.add(t, rate);
      }
    });
  }
}
