import { describe, expect, it } from 'vitest';
import { wordCounts } from './word-counts.js';

const pipeline = { aggregation: { groupBy: ['word'], aggregates: [{ fn: 'count' as const, as: 'count' }] } };

describe('wordCounts', () => {
  it('sorts by count, then by word', () => {
    const page = {
      columns: ['word', 'count'],
      rows: [
        ['kafka', 2],
        ['spark', 5],
        ['avro', 2],
      ],
      total: 3,
    };
    expect(wordCounts(pipeline, page)).toEqual([
      { word: 'spark', count: 5 },
      { word: 'avro', count: 2 },
      { word: 'kafka', count: 2 },
    ]);
  });
  it('is empty when the page has no word or count column', () => {
    expect(wordCounts(pipeline, { columns: ['sensor_id'], rows: [['a']], total: 1 })).toEqual([]);
  });
});
