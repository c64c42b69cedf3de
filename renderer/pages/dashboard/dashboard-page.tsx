import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { SparkChart } from './spark-chart.js';
import { useMetricsSnapshot } from './use-metrics.js';
import { ClusterName } from '../cluster-name.js';

/** Throughput and lag at a glance (what Control Center showed): topics, producers, pipelines. */
export function DashboardPage({ activeConnectionId }: { activeConnectionId: string | null }) {
  const snapshot = useMetricsSnapshot(activeConnectionId);
  const producers = useMethodQuery('producers:list', undefined);
  const pipelines = useMethodQuery('pipelines:list', undefined);
  const producerName = (id: string) => producers.data?.find((p) => p.definition.id === id)?.definition.name ?? id;
  const pipelineName = (id: string) => pipelines.data?.find((p) => p.id === id)?.name ?? id;
  const data = snapshot.data;

  return (
    <section className="page" data-testid="dashboard-page">
      <div className="page-header">
        <h1>Dashboard</h1>
        {activeConnectionId !== null && <ClusterName connectionId={activeConnectionId} />}
      </div>
      {activeConnectionId === null && <p className="note">Choose a connection to see its throughput.</p>}
      <ErrorMessage error={snapshot.error} />
      {data && (
        <>
          <h2>Topics · messages/s</h2>
          <p className="note">
            From high-watermark deltas every {data.intervalMs / 1000} s
            {data.topicsTotal > data.topicsSampled ? ` — the first ${data.topicsSampled} of ${data.topicsTotal} topics` : ''}.
            {data.topics.length === 0 ? ' The first rates appear after two samples.' : ''}
          </p>
          <div className="spark-grid">
            {data.topics.slice(0, 12).map((t) => (
              <SparkChart key={t.name} title={t.name} points={t.rate} unit="msg/s" testId="topic-rate" />
            ))}
          </div>
          <h2>Producers · messages/s</h2>
          {data.producers.length === 0 && <p className="note">No producer has run since the app started.</p>}
          <div className="spark-grid">
            {data.producers.map((p) => (
              <SparkChart key={p.id} title={producerName(p.id)} points={p.rate} unit="msg/s" />
            ))}
          </div>
          <h2>Pipelines · records/s and lag</h2>
          {data.pipelines.length === 0 && <p className="note">No pipeline has run since the app started.</p>}
          <div className="spark-grid">
            {data.pipelines.flatMap((p) => [
              <SparkChart key={`${p.id}-in`} title={`${pipelineName(p.id)} in`} points={p.in} unit="rec/s" />,
              <SparkChart key={`${p.id}-out`} title={`${pipelineName(p.id)} out`} points={p.out} unit="rows/s" />,
              <SparkChart key={`${p.id}-lag`} title={`${pipelineName(p.id)} lag`} points={p.lag} unit="records" />,
            ])}
          </div>
        </>
      )}
    </section>
  );
}
