import { memo, useMemo, useRef, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { BarShapeProps } from 'recharts';
import type { WindowChart } from '../../../shared/metrics.js';
import { useOnScreen } from './use-on-screen.js';
import { useStaggered } from './use-staggered.js';

export const PALETTE = ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#e03131', '#5c940d', '#6741d9', '#868e96'];
const time = (x: number) => new Date(x).toISOString().slice(11, 16);
// Module-level formatters: stable props, so Recharts' axes and tooltip do not re-render for new functions.
const windowLabel = (x: unknown) => `window ${time(Number(x))} UTC`;
const barValue = (v: unknown) => (typeof v === 'number' ? Number(v.toFixed(2)) : String(v));
const lineValue = (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : String(v));
const yTick = (v: number) => v.toFixed(1);
const X_DOMAIN = ['dataMin', 'dataMax'] as const;
const Y_DOMAIN = ['auto', 'auto'] as const;
/** A bare `<rect>` per bar: Recharts' default shape (radius maths, animation hooks) costs more per bar. */
const plainBar = ({ x, y, width, height, fill }: BarShapeProps) => (
  <rect x={x} y={y} width={width} height={Math.max(0, height ?? 0)} fill={fill} />
);
/** Fixed chart heights (the placeholder before the first draw keeps the page from jumping). */
const HEIGHT = { line: 260, bar: 220 } as const;

/**
 * One measure over window start, one line (or stacked bar) per group; click a legend entry to hide or
 * show it. The rows arrive downsampled to the chart width by the engine (`metrics:windowCharts`), one
 * data array for all groups (Recharts is far slower with an array per line); memoised, so a chart
 * whose data did not change is not drawn again.
 */
export function MeasureChart({ title, chart, kind }: { title: string; chart: WindowChart; kind: 'line' | 'bar' }) {
  const box = useRef<HTMLDivElement>(null);
  const onScreen = useOnScreen(box);
  // Off screen, the memoised chart keeps the data it last drew (no re-render per update).
  const latest = useRef(chart);
  if (onScreen) latest.current = chart;
  // Each chart adopts new data in its own task (see use-staggered.ts): one update, several short tasks.
  const drawn = useStaggered(latest.current);
  return (
    <div ref={box}>
      {drawn ? (
        <ChartBody title={title} chart={drawn} kind={kind} />
      ) : (
        <figure className="chart">
          <figcaption>{title}</figcaption>
          <div style={{ height: HEIGHT[kind] }} />
        </figure>
      )}
    </div>
  );
}

const ChartBody = memo(function ChartBody({ title, chart, kind }: { title: string; chart: WindowChart; kind: 'line' | 'bar' }) {
  const { series, rows } = chart;
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  // Legend in series order (sensor_2 before sensor_10), not Recharts' alphabetical default.
  const keys = series.map((s) => s.key).join('\n');
  // Memoised on the keys and hidden set (not the rows): the legend is not rebuilt with every update.
  const order = useMemo(() => new Map(keys.split('\n').map((key, i) => [key, i])), [keys]);
  // The tooltip lists the groups in the same order as the legend.
  const tooltip = useMemo(() => {
    const sorter = (item: { dataKey?: unknown }) => order.get(String(item.dataKey)) ?? Number.MAX_SAFE_INTEGER;
    return kind === 'bar' ? (
      <Tooltip labelFormatter={windowLabel} formatter={barValue} itemSorter={sorter} />
    ) : (
      <Tooltip labelFormatter={windowLabel} formatter={lineValue} itemSorter={sorter} />
    );
  }, [order, kind]);
  const legend = useMemo(() => {
    const toggle = (key: string) =>
      setHidden((current) => {
        const next = new Set(current);
        if (next.has(key)) next.delete(key);
        else next.add(key);
        return next;
      });
    return (
      <Legend
        itemSorter={(item) => order.get(String(item.value)) ?? Number.MAX_SAFE_INTEGER}
        onClick={(entry) => {
          if (typeof entry.value === 'string') toggle(entry.value);
        }}
        formatter={(value: string) => <span className={hidden.has(value) ? 'legend-off' : undefined}>{value}</span>}
      />
    );
  }, [order, hidden]);
  if (kind === 'bar') {
    return (
      <figure className="chart" data-testid="chart">
        <figcaption>{title}</figcaption>
        <ResponsiveContainer width="100%" height={HEIGHT.bar}>
          <BarChart data={rows}>
            <CartesianGrid strokeDasharray="3 3" />
            {/* One band per window: on a numeric time axis Recharts sizes bars from the gap between points, so
                a single window drew no bar and bars at the ends crossed the y-axis and the right edge. */}
            <XAxis dataKey="x" type="category" tickFormatter={time} />
            <YAxis allowDecimals={false} />
            {tooltip}
            {legend}
            {series.map((s, i) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                stackId="n"
                fill={PALETTE[i % PALETTE.length]}
                hide={hidden.has(s.key)}
                isAnimationActive={false}
                shape={plainBar}
                activeBar={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </figure>
    );
  }
  return (
    <figure className="chart" data-testid="chart">
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={HEIGHT.line}>
        <LineChart data={rows}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="x" type="number" domain={X_DOMAIN} tickFormatter={time} />
          <YAxis domain={Y_DOMAIN} tickFormatter={yTick} />
          {tooltip}
          {legend}
          {series.map((s, i) => (
            <Line
              key={s.key}
              name={s.key}
              dataKey={s.key}
              connectNulls
              stroke={PALETTE[i % PALETTE.length]}
              dot={false}
              hide={hidden.has(s.key)}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
});
