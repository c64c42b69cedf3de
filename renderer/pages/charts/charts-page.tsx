import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { PipelineStatus } from '../../../shared/pipelines.js';
import { useEvent } from '../../api/use-event.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { MeasureChart } from './measure-chart.js';
import { inRange, windowCharts } from './window-series.js';
import { WordCountView } from './word-count-view.js';
import { wordCounts } from './word-counts.js';

const RANGES = [
  { label: 'Last 15 min', ms: 15 * 60_000 },
  { label: 'Last hour', ms: 60 * 60_000 },
  { label: 'All', ms: null },
] as const;

/** Sensor window charts: the results of a windowed pipeline (scenario S3), live. */
export function ChartsPage() {
  const pipelines = useMethodQuery('pipelines:list', undefined);
  // Windowed pipelines (S3 sensor windows) and word counts (S4) are charted here.
  const windowed = (pipelines.data ?? []).filter((p) => p.aggregation?.window || p.wordSplit);
  const [chosen, setChosen] = useState<string | null>(null);
  const pipeline = windowed.find((p) => p.id === chosen) ?? windowed[0];
  const [range, setRange] = useState<number | null>(null);
  const [live, setStatus] = useState<PipelineStatus | null>(null);
  const queryClient = useQueryClient();
  const initial = useMethodQuery('pipelines:status', { id: pipeline?.id ?? '' }, { enabled: pipeline !== undefined });
  const status = live?.pipelineId === pipeline?.id ? live : (initial.data ?? null);
  const results = useMethodQuery('pipelines:results', { id: pipeline?.id ?? '', offset: 0, limit: 1000 }, { enabled: pipeline !== undefined });

  useEvent('pipelines:results-changed', (notice) => {
    if (notice.pipelineId === pipeline?.id) void queryClient.invalidateQueries({ queryKey: ['pipelines:results'] });
  });
  useEvent('pipelines:status', (next) => {
    if (next.pipelineId === pipeline?.id) setStatus(next);
  });

  const charts = pipeline && results.data ? windowCharts(pipeline, results.data) : { measures: [], counts: [] };
  const words = pipeline?.wordSplit && results.data ? wordCounts(pipeline, results.data) : null;
  const bad = status ? Object.values(status.badRecords).reduce((a, b) => a + b, 0) : 0;
  return (
    <section className="page" data-testid="charts-page">
      <div className="page-header">
        <h1>Charts</h1>
        <div className="actions">
          {RANGES.map((r) => (
            <button key={r.label} type="button" aria-pressed={range === r.ms} onClick={() => setRange(r.ms)}>
              {r.label}
            </button>
          ))}
        </div>
      </div>
      <ErrorMessage error={pipelines.error ?? results.error} />
      {pipelines.data !== undefined && windowed.length === 0 && (
        <p className="note">No windowed or word-count pipeline yet. Create one on the Pipelines page (the “Sensors S3” and “Word count S4” presets); its results are charted here.</p>
      )}
      {windowed.length > 0 && (
        <label className="inline">
          Pipeline{' '}
          <select value={pipeline?.id} onChange={(e) => setChosen(e.target.value)}>
            {windowed.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {pipeline && (
        <dl className="facts cards">
          <div>
            <dt>State</dt>
            <dd>{status?.state ?? '—'}</dd>
          </div>
          <div>
            <dt>Watermark</dt>
            <dd className="mono">{status?.watermarkMs ? new Date(status.watermarkMs).toISOString().slice(0, 19) + 'Z' : '—'}</dd>
          </div>
          <div>
            <dt>Late rows dropped</dt>
            <dd data-testid="late-rows">{status?.lateRows ?? '—'}</dd>
          </div>
          <div>
            <dt>Bad records</dt>
            <dd>{status ? bad : '—'}</dd>
          </div>
          <div>
            <dt>{pipeline.aggregation?.window ? 'Windows' : 'Rows'}</dt>
            <dd>{results.data?.total ?? '—'}</dd>
          </div>
        </dl>
      )}
      {words && results.data && <WordCountView counts={words} total={results.data.total} />}
      {charts.measures.map((m) => (
        <MeasureChart key={m.measure} title={`${m.measure} (${m.fn})`} series={inRange(m.series, range)} kind="line" />
      ))}
      {charts.counts.map((m) => (
        <MeasureChart key={m.measure} title={`${m.measure} per window`} series={inRange(m.series, range)} kind="bar" />
      ))}
    </section>
  );
}
