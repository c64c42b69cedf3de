import type { Pipeline, ResultsPage } from '../../../shared/pipelines.js';

export interface WordCount {
  word: string;
  count: number;
}

/** The S4 word counts of a result page, most frequent first (ties by word). */
export function wordCounts(pipeline: Pick<Pipeline, 'aggregation'>, page: ResultsPage): WordCount[] {
  const countAs = pipeline.aggregation?.aggregates.find((a) => a.fn === 'count')?.as;
  const wordAt = page.columns.indexOf('word');
  const countAt = countAs === undefined ? -1 : page.columns.indexOf(countAs);
  if (wordAt < 0 || countAt < 0) return [];
  const out: WordCount[] = [];
  for (const row of page.rows) {
    const word = row[wordAt];
    const count = row[countAt];
    if (typeof word === 'string' && typeof count === 'number') out.push({ word, count });
  }
  return out.sort((a, b) => b.count - a.count || a.word.localeCompare(b.word));
}
