import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { PipelineStatus } from '../../../shared/pipelines.js';
import { useEvent } from '../../api/use-event.js';
import { useMethodQuery } from '../../api/use-method-query.js';
import { ErrorMessage } from '../../app/error-message.js';
import { MeasureChart } from './measure-chart.js';
import { WordCountView } from './word-count-view.js';
import { wordCounts } from './word-counts.js';
import { ClusterName } from '../cluster-name.js';

const REFRESH_MS = 1000;
/** How many of a word count's most frequent words the page reads: its table (the chart shows the first 20). */
const TOP_WORDS = 200;
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
  const section = useRef<HTMLElement>(null);
  const width = useChartWidth(section);
  const windowedAgg = pipeline?.aggregation?.window !== undefined;
  // Word counts page their rows; window charts come as series already downsampled by the engine.
  // The engine orders by the count: the page is the most frequent words of all, not the first stored.
  const countAs = pipeline?.aggregation?.aggregates.find((a) => a.fn === 'count')?.as;
  const results = useMethodQuery(
    'pipelines:results',
    { id: pipeline?.id ?? '', offset: 0, limit: TOP_WORDS, ...(countAs ? { orderBy: countAs } : {}) },
    { enabled: Boolean(pipeline?.wordSplit) && !windowedAgg },
  );
  const series = useMethodQuery(
    'metrics:windowCharts',
    { id: pipeline?.id ?? '', rangeMs: range, width },
    { enabled: pipeline !== undefined && windowedAgg },
  );

  // Batches can finish several times a second: the charts refetch at most once a second (trailing).
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => clearTimeout(pending.current ?? undefined), []);
  useEvent(
    'pipelines:resultsChanged',
    () => {
      if (pending.current !== null) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        // A hidden window only marks the data stale; React Query refetches when it is focused again.
        const refetchType = document.visibilityState === 'hidden' ? 'none' : 'active';
        void queryClient.invalidateQueries({ queryKey: [windowedAgg ? 'metrics:windowCharts' : 'pipelines:results'], refetchType });
      }, REFRESH_MS);
    },
    pipeline?.id ?? null,
  );
  useEvent('pipelines:status', setStatus, pipeline?.id ?? null);

  const charts = windowedAgg ? series.data : undefined;
  const words = pipeline?.wordSplit && !windowedAgg && results.data ? wordCounts(pipeline, results.data) : null;
  const bad = status ? Object.values(status.badRecords).reduce((a, b) => a + b, 0) : 0;
  return (
    <section className="page" data-testid="charts-page" ref={section}>
      <div className="page-header">
        <h1>Charts</h1>
        {/* Charts follow a pipeline, which reads from its own connection (not necessarily the active one). */}
        {pipeline !== undefined && <ClusterName connectionId={pipeline.connectionId} />}
        <div className="actions">
          {RANGES.map((r) => (
            <button key={r.label} type="button" aria-pressed={range === r.ms} onClick={() => setRange(r.ms)}>
              {r.label}
            </button>
          ))}
        </div>
      </div>
      <ErrorMessage error={pipelines.error ?? results.error ?? series.error} />
      {pipelines.data !== undefined && windowed.length === 0 && (
        <p className="note">
          No windowed or word-count pipeline yet. Create one on the Pipelines page (the “Sensor windows” and “Word count” presets); its
          results are charted here.
        </p>
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
            <dt title="Each record counted once per window it fell in whose end the watermark had passed; Spark's numRowsDroppedByWatermark is on the Pipelines page">
              Late rows dropped (record × window)
            </dt>
            <dd data-testid="late-rows">{status?.lateRows ?? '—'}</dd>
          </div>
          <div>
            <dt>Bad records</dt>
            <dd>{status ? bad : '—'}</dd>
          </div>
          <div>
            <dt>{pipeline.aggregation?.window ? 'Windows' : 'Rows'}</dt>
            <dd data-testid="chart-windows">{(windowedAgg ? charts?.windows : results.data?.total) ?? '—'}</dd>
          </div>
        </dl>
      )}
      {words && results.data && <WordCountView counts={words} total={results.data.total} />}
      {charts?.measures.map((m) => (
        <MeasureChart
          key={m.measure}
          title={`${m.measure} (${m.fn})${charts.lineBucketWindows > 1 ? ` — min and max of every ${charts.lineBucketWindows} windows` : ''}`}
          chart={m}
          kind="line"
        />
      ))}
      {charts?.counts.map((m) => (
        <MeasureChart
          key={m.measure}
          title={`${m.measure} per window${charts.bucketWindows > 1 ? ` (mean of ${charts.bucketWindows} windows per bar)` : ''}`}
          chart={m}
          kind="bar"
        />
      ))}
    </section>
  );
}

/**
 * What a chart's plot area takes of the page width: the figure's padding and border (26 px), the Y
 * axis (60) and Recharts' margins (10). The engine downsamples to the plot, not the page.
 */
const CHART_CHROME_PX = 96;

/** The charts' plot width in pixels, rounded down (it is part of the query key: no refetch per pixel). */
function useChartWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    const observer = new ResizeObserver(([entry]) => {
      const px = Math.floor(((entry?.contentRect.width ?? 900) - CHART_CHROME_PX) / 50) * 50;
      setWidth(Math.max(200, Math.min(4000, px)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
