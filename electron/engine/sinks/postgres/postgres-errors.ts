import { WorkbenchError } from '../../../../shared/errors.js';
import type { DatabaseConnectionFields } from '../../../../shared/databases.js';

/**
 * A node-postgres or socket error in words a user can act on. SQLSTATE codes from the PostgreSQL
 * manual, Appendix A "PostgreSQL Error Codes"; socket codes from Node's `net` (libuv).
 */
export function describePostgresError(
  error: unknown,
  c: Pick<DatabaseConnectionFields, 'host' | 'port' | 'database' | 'user'>,
  table?: string,
): WorkbenchError {
  if (error instanceof WorkbenchError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const raw = error instanceof Error ? error.message : String(error);
  const where = `PostgreSQL at ${c.host}:${c.port}`;
  switch (code) {
    case 'ECONNREFUSED':
      return new WorkbenchError(
        'STORAGE_UNREACHABLE',
        `${where} cannot be reached: the connection was refused (is the server running on that port?)`,
        raw,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new WorkbenchError('STORAGE_UNREACHABLE', `${where} cannot be reached: the host name ${c.host} is not known`, raw);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new WorkbenchError('STORAGE_UNREACHABLE', `${where} cannot be reached: no answer from the host (${String(code)})`, raw);
    case 'ECONNRESET':
    case 'EPIPE':
      return new WorkbenchError('STORAGE_UNREACHABLE', `${where} closed the connection (${String(code)}); the batch is retried`, raw);
    case '28P01':
      return new WorkbenchError('AUTH_FAILED', `${where} refused the password of user ${c.user} (wrong password)`, raw);
    case '28000':
      return new WorkbenchError(
        'AUTH_FAILED',
        `${where} does not let user ${c.user} connect to database ${c.database} (pg_hba.conf or a missing role): ${raw}`,
        raw,
      );
    case '3D000':
      return new WorkbenchError('NOT_FOUND', `Database ${c.database} does not exist on ${where}`, raw);
    case '42501':
      return new WorkbenchError(
        'AUTH_FAILED',
        `Permission denied for user ${c.user}${table ? ` on table ${table}` : ''} in database ${c.database}: ${raw}`,
        raw,
      );
    case '57P01':
    case '57P02':
    case '57P03':
      return new WorkbenchError('STORAGE_UNREACHABLE', `${where} is shutting down or starting up; the batch is retried`, raw);
    case '53100':
      return new WorkbenchError('DISK_FULL', `${where} is out of disk space`, raw);
    default:
      break;
  }
  if (/timeout expired|Connection terminated/i.test(raw)) {
    return new WorkbenchError('STORAGE_UNREACHABLE', `${where} cannot be reached: ${raw}`, raw);
  }
  return new WorkbenchError('INTERNAL', `${where}: ${raw}`, raw);
}
