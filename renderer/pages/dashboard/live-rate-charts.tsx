import { SparkChart } from './spark-chart.js';
import { useMetricsSnapshot } from './use-metrics.js';

/** Producers page: messages/s of each producer that ran since the app started (the dashboard's charts). */
export function ProducerRateCharts({ connectionId, names }: { connectionId: string; names: ReadonlyMap<string, string> }) {
  const snapshot = useMetricsSnapshot(connectionId);
  const producers = (snapshot.data?.producers ?? []).filter((p) => names.has(p.id));
  if (producers.length === 0) return null;
  return (
    <section aria-label="Producer throughput" data-testid="producer-rates">
      <h2>Messages/s</h2>
      <div className="spark-grid">
        {producers.map((p) => (
          <SparkChart key={p.id} title={names.get(p.id) ?? p.id} points={p.rate} unit="msg/s" testId="producer-rate" />
        ))}
      </div>
    </section>
  );
}

/** Pipelines page: records/s in and out and the lag of each source partition of one pipeline. */
export function PipelineRateCharts({ connectionId, pipelineId }: { connectionId: string; pipelineId: string }) {
  const snapshot = useMetricsSnapshot(connectionId);
  const p = snapshot.data?.pipelines.find((x) => x.id === pipelineId);
  if (!p) return <p className="note">Throughput and lag charts appear while the pipeline runs.</p>;
  return (
    <section aria-label="Pipeline throughput and lag" data-testid="pipeline-rates">
      <div className="spark-grid">
        <SparkChart title="In" points={p.in} unit="rec/s" testId="pipeline-rate" />
        <SparkChart title="Out" points={p.out} unit="rows/s" testId="pipeline-rate" />
        {p.partitions.slice(0, 12).map((l) => (
          <SparkChart
            key={`${l.topic}:${l.partition}`}
            title={`Lag ${l.topic} [${l.partition}]`}
            points={l.lag}
            unit="records"
            testId="partition-lag"
          />
        ))}
      </div>
    </section>
  );
}
