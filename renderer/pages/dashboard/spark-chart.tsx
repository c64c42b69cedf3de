import { Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SamplePoint } from '../../../shared/metrics.js';

const time = (t: number) => new Date(t).toISOString().slice(11, 19);

/** A small live chart of one series (the last 15 minutes). */
export function SparkChart({ title, points, unit, testId }: { title: string; points: SamplePoint[]; unit: string; testId?: string }) {
  const last = points.at(-1)?.v;
  return (
    <figure className="spark" data-testid={testId}>
      <figcaption>
        <span>{title}</span>
        <strong>{last === undefined ? '—' : `${last >= 100 ? Math.round(last).toLocaleString() : last.toFixed(1)} ${unit}`}</strong>
      </figcaption>
      <ResponsiveContainer width="100%" height={70}>
        <LineChart data={points} margin={{ top: 4, right: 4, bottom: 0, left: 4 }}>
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} hide />
          <YAxis hide domain={[0, 'auto']} />
          <Tooltip labelFormatter={(t) => `${time(Number(t))} UTC`} formatter={(v) => [`${Number(v).toFixed(1)} ${unit}`, title]} />
          <Line dataKey="v" stroke="#1c7ed6" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
