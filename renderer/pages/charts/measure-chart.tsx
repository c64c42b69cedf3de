import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { toWidth, type Series } from './window-series.js';

const PALETTE = ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#e03131', '#5c940d', '#6741d9', '#868e96'];
const time = (x: number) => new Date(x).toISOString().slice(11, 16);
const CHART_PIXELS = 900;

/** One measure over window start, one line per group; click a legend entry to hide or show it. */
export function MeasureChart({ title, series, kind }: { title: string; series: Series[]; kind: 'line' | 'bar' }) {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const toggle = (key: string) =>
    setHidden((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  // Legend in series order (sensor_2 before sensor_10), not Recharts' alphabetical default.
  const order = new Map(series.map((s, i) => [s.key, i]));
  const legend = (
    <Legend
      itemSorter={(item) => order.get(String(item.value)) ?? Number.MAX_SAFE_INTEGER}
      onClick={(entry) => {
        if (typeof entry.value === 'string') toggle(entry.value);
      }}
      formatter={(value: string) => <span className={hidden.has(value) ? 'legend-off' : undefined}>{value}</span>}
    />
  );
  if (kind === 'bar') {
    // Bars need one row per window with a column per group.
    const rows = new Map<number, Record<string, number>>();
    for (const s of series) for (const p of s.points) rows.set(p.x, { ...(rows.get(p.x) ?? { x: p.x }), [s.key]: p.y });
    const data = [...rows.values()].sort((a, b) => (a.x ?? 0) - (b.x ?? 0));
    return (
      <figure className="chart" data-testid="chart">
        <figcaption>{title}</figcaption>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={data}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} tickFormatter={time} scale="time" padding={{ left: 20, right: 20 }} />
            <YAxis allowDecimals={false} />
            <Tooltip labelFormatter={(x) => `window ${time(Number(x))} UTC`} />
            {legend}
            {series.map((s, i) => (
              <Bar key={s.key} dataKey={s.key} stackId="n" fill={PALETTE[i % PALETTE.length]} hide={hidden.has(s.key)} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </figure>
    );
  }
  return (
    <figure className="chart" data-testid="chart">
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} tickFormatter={time} allowDuplicatedCategory={false} />
          <YAxis domain={['auto', 'auto']} tickFormatter={(v: number) => v.toFixed(1)} />
          <Tooltip labelFormatter={(x) => `window ${time(Number(x))} UTC`} formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))} />
          {legend}
          {series.map((s, i) => (
            <Line
              key={s.key}
              name={s.key}
              data={toWidth(s.points, CHART_PIXELS)}
              dataKey="y"
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
}
