import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';

/**
 * One shared queue of chart updates, run one per macrotask. A refetch changes every chart at once;
 * drawn in one React commit that is one long main-thread task (Recharts redraws every point of every
 * line). Each chart adopting its new data in its own task splits that into a few short tasks, and
 * input and painting can run between them.
 */
const queue: (() => void)[] = [];
let scheduled = false;

function runNext(): void {
  const job = queue.shift();
  if (!job) {
    scheduled = false;
    return;
  }
  job();
  setTimeout(runNext, 0);
}

function enqueue(job: () => void): void {
  queue.push(job);
  if (!scheduled) {
    scheduled = true;
    setTimeout(runNext, 0);
  }
}

/**
 * `value`, adopted in a task of its own after it changes (null until the first one is adopted, so
 * mounting several charts is split the same way). A newer value supersedes one still queued.
 */
export function useStaggered<T>(value: T): T | null {
  const [shown, setShown] = useState<T | null>(null);
  useEffect(() => {
    let current = true;
    // flushSync: the chart renders and commits inside this task, not in a later one batched with others.
    enqueue(() => {
      if (current) flushSync(() => setShown(value));
    });
    return () => {
      current = false;
    };
  }, [value]);
  return shown;
}
