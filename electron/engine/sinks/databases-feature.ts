import { databaseConnectionFieldsSchema, databaseConnectionInputSchema } from '../../../shared/databases.js';
import { WorkbenchError } from '../../../shared/errors.js';
import type { EngineContext, EngineFeature } from '../context.js';
import type { Handlers } from '../dispatch.js';
import { s3CredentialsOf } from '../exports/store/s3-credentials.js';
import { DatabaseConnectionsRepo } from '../store/database-connections-repo.js';
import { databaseDriver, type DatabaseTarget } from './database-engines.js';

type DatabaseMethod = 'databases:list' | 'databases:save' | 'databases:remove' | 'databases:test';

const repos = new WeakMap<EngineContext, DatabaseConnectionsRepo>();

/**
 * The engine's saved database connections, sealed by the engine's one secret box (the app passes
 * safeStorage's; command-line tools use the key file, as for S3 credentials).
 */
export function databaseConnectionsOf(context: EngineContext): DatabaseConnectionsRepo {
  let repo = repos.get(context);
  if (!repo) {
    repo = new DatabaseConnectionsRepo(context.db, s3CredentialsOf(context).secrets);
    repos.set(context, repo);
  }
  return repo;
}

/** A saved connection with its password, for a sink or a test. */
export function databaseTarget(context: EngineContext, id: string): DatabaseTarget {
  const repo = databaseConnectionsOf(context);
  const connection = databaseConnectionFieldsSchema.parse(repo.get(id));
  return { connection, password: repo.password(id) };
}

/** Saved database connections (PostgreSQL, Cassandra) and their "Test connection". */
export class DatabasesFeature implements EngineFeature<DatabaseMethod> {
  private readonly context: EngineContext;

  constructor(context: EngineContext) {
    this.context = context;
  }

  handlers(): Pick<Handlers, DatabaseMethod> {
    const repo = databaseConnectionsOf(this.context);
    return {
      'databases:list': () => repo.list(),
      'databases:save': (input) => repo.save(input),
      'databases:remove': ({ id }) => {
        const users = repo.pipelinesUsing(id);
        if (users.length > 0) {
          throw new WorkbenchError(
            'CONFLICT',
            `The database connection is used by pipeline ${users.map((n) => `"${n}"`).join(', ')}: change or remove it first`,
          );
        }
        return { removed: repo.remove(id) };
      },
      'databases:test': (input) => {
        if ('id' in input) return databaseDriver(repo.get(input.id).engine).test(databaseTarget(this.context, input.id));
        const { id, password, ...fields } = databaseConnectionInputSchema.parse(input.connection);
        // An edited saved connection keeps its stored password unless a new one is typed.
        const stored = id !== undefined && password === undefined ? repo.password(id) : null;
        return databaseDriver(fields.engine).test({ connection: fields, password: password ?? stored });
      },
    };
  }

  dispose(): void {
    // No clients are kept between calls.
  }
}
