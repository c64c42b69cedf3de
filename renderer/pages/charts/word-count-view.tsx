import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { WordCount } from './word-counts.js';

const TOP = 20;

/** The S4 listener's counts: top words as bars, and the sorted table. */
export function WordCountView({ counts, total }: { counts: WordCount[]; total: number }) {
  const top = counts.slice(0, TOP);
  return (
    <>
      <figure className="chart" data-testid="word-chart">
        <figcaption>Top {Math.min(TOP, counts.length)} words</figcaption>
        <ResponsiveContainer width="100%" height={Math.max(120, top.length * 22)}>
          <BarChart data={top} layout="vertical" margin={{ left: 40 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" allowDecimals={false} />
            {/* interval 0: every bar keeps its word (by default recharts drops ticks it thinks crowded, half of them at 10 bars). */}
            <YAxis type="category" dataKey="word" width={120} interval={0} />
            <Tooltip />
            <Bar dataKey="count" fill="#1c7ed6" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <table className="table" data-testid="word-table">
        <thead>
          <tr>
            <th scope="col">Word</th>
            <th scope="col">Count</th>
          </tr>
        </thead>
        <tbody>
          {counts.map((c) => (
            <tr key={c.word}>
              <td className="mono">{c.word}</td>
              <td>{c.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > counts.length && (
        <p className="note">
          The {counts.length.toLocaleString('en-US')} most frequent of {total.toLocaleString('en-US')} words.
        </p>
      )}
    </>
  );
}
