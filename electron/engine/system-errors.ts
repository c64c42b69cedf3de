import { WorkbenchError } from '../../shared/errors.js';

/**
 * Errors from the OS and SQLite that a user can act on, as WorkbenchErrors: a full disk is not an
 * internal error. Returns null for anything else.
 */
export function describeSystemError(error: unknown): WorkbenchError | null {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return new WorkbenchError('DISK_FULL', 'The disk is full: free some space and try again (nothing saved before was lost)', message);
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'SQLITE_READONLY') {
    return new WorkbenchError('DISK_FULL', 'The app may not write there (read-only or no permission)', message);
  }
  return null;
}
