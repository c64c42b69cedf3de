import { WorkbenchError } from '../../../shared/errors.js';
import type { Pipeline } from '../../../shared/pipelines.js';
import type { Db } from '../store/db.js';

/** A saved pipeline by id, or null. */
export function findPipeline(db: Db, id: string): Pipeline | null {
  const row = db.prepare<[string], { spec_json: string }>('SELECT spec_json FROM pipelines WHERE id = ?').get(id);
  return row ? (JSON.parse(row.spec_json) as Pipeline) : null;
}

/** A saved pipeline by id; a clear error when it is gone. */
export function getPipeline(db: Db, id: string): Pipeline {
  const pipeline = findPipeline(db, id);
  if (!pipeline) throw new WorkbenchError('NOT_FOUND', `No pipeline with id ${id}; it may have been removed`);
  return pipeline;
}
