import { WorkbenchError } from '../../../shared/errors.js';
import { pipelineSchema, type Pipeline } from '../../../shared/pipelines.js';
import type { Db } from './db.js';
import { repoOf } from './repos.js';

type DesiredState = 'running' | 'stopped';

/** The saved pipelines (`pipelines` table), read back through the shared schema. */
export class PipelinesRepo {
  private readonly findStmt;
  private readonly listStmt;
  private readonly desiredRunningStmt;
  private readonly setDesiredStmt;
  private readonly saveStmt;
  private readonly removeStmt;

  constructor(db: Db) {
    this.findStmt = db.prepare<[string], { spec_json: string }>('SELECT spec_json FROM pipelines WHERE id = ?');
    this.listStmt = db.prepare<[], { spec_json: string }>('SELECT spec_json FROM pipelines ORDER BY name');
    this.desiredRunningStmt = db.prepare<[], { id: string; name: string }>(
      `SELECT id, name FROM pipelines WHERE desired_state = 'running' ORDER BY name`,
    );
    this.setDesiredStmt = db.prepare<[DesiredState, string]>('UPDATE pipelines SET desired_state = ? WHERE id = ?');
    this.saveStmt = db.prepare<[string, string, string, number, number]>(
      `INSERT INTO pipelines (id, name, spec_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, spec_json = excluded.spec_json, updated_at = excluded.updated_at`,
    );
    this.removeStmt = db.prepare<[string]>('DELETE FROM pipelines WHERE id = ?');
  }

  find(id: string): Pipeline | null {
    const row = this.findStmt.get(id);
    return row ? parse(row.spec_json) : null;
  }

  list(): Pipeline[] {
    return this.listStmt.all().map((row) => parse(row.spec_json));
  }

  /** Pipelines the user left running (restarted at engine start). */
  desiredRunning(): { id: string; name: string }[] {
    return this.desiredRunningStmt.all();
  }

  setDesired(id: string, desired: DesiredState): void {
    this.setDesiredStmt.run(desired, id);
  }

  save(pipeline: Pipeline, now: number): void {
    this.saveStmt.run(pipeline.id, pipeline.name, JSON.stringify(pipeline), pipeline.createdAt, now);
  }

  remove(id: string): boolean {
    return this.removeStmt.run(id).changes > 0;
  }
}

/** A stored spec that no longer matches the schema is a clear error, not a half-read object. */
function parse(json: string): Pipeline {
  const parsed = pipelineSchema.safeParse(JSON.parse(json));
  if (!parsed.success) {
    throw new WorkbenchError('INTERNAL', `A saved pipeline does not match the pipeline schema: ${parsed.error.issues[0]?.message ?? ''}`);
  }
  return parsed.data;
}

export const pipelinesRepo = (db: Db): PipelinesRepo => repoOf(db, PipelinesRepo);

/** A saved pipeline by id, or null. */
export function findPipeline(db: Db, id: string): Pipeline | null {
  return pipelinesRepo(db).find(id);
}

/** A saved pipeline by id; a clear error when it is gone. */
export function getPipeline(db: Db, id: string): Pipeline {
  const pipeline = findPipeline(db, id);
  if (!pipeline) throw new WorkbenchError('NOT_FOUND', `No pipeline with id ${id}; it may have been removed`);
  return pipeline;
}
