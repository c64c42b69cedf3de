// Driver errors in plain words. Response codes are the native protocol's (CQL protocol v5 spec,
// section 9 "Error codes": https://github.com/apache/cassandra/blob/cassandra-5.0/doc/native_protocol_v5.spec).
import { WorkbenchError } from '../../../../shared/errors.js';

const CODES = {
  unavailable: 0x1000,
  overloaded: 0x1001,
  isBootstrapping: 0x1002,
  writeTimeout: 0x1100,
  readTimeout: 0x1200,
  writeFailure: 0x1500,
  syntaxError: 0x2000,
  unauthorized: 0x2100,
  invalid: 0x2200,
} as const;

export interface CassandraTarget {
  contactPoints: readonly string[];
  keyspace: string;
  username?: string | undefined;
}

interface DriverError {
  name?: string;
  message?: string;
  code?: number | string;
  innerErrors?: Record<string, DriverError>;
}

const asDriverError = (error: unknown): DriverError => (typeof error === 'object' && error !== null ? error : {});

/** The first per-host cause of a NoHostAvailableError (the driver tried every contact point). */
function firstInner(error: DriverError): DriverError | null {
  const inner = error.innerErrors ? Object.values(error.innerErrors) : [];
  return inner[0] ?? null;
}

const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE/;

/**
 * A user-facing error for a Cassandra driver error: unreachable, wrong password, missing keyspace,
 * permission denied, overloaded, or the server's own sentence for a bad statement. `transient` errors
 * (the server down or too busy) are the ones a pipeline waits out and retries; the others need the
 * user to change something.
 */
export function describeCassandraError(error: unknown, target: CassandraTarget): WorkbenchError & { transient: boolean } {
  if (error instanceof WorkbenchError) return Object.assign(error, { transient: false });
  const hosts = target.contactPoints.join(', ');
  const e = asDriverError(error);
  const message = String(e.message ?? error);
  const make = (code: ConstructorParameters<typeof WorkbenchError>[0], text: string, transient: boolean) =>
    Object.assign(new WorkbenchError(code, text, message.slice(0, 1000)), { transient });

  if (e.name === 'NoHostAvailableError') {
    const inner = firstInner(e);
    const innerMessage = String(inner?.message ?? '');
    if (inner?.name === 'AuthenticationError')
      return make('AUTH_FAILED', `Cassandra at ${hosts} refused user "${target.username ?? ''}": wrong user name or password`, false);
    if (inner?.name === 'ArgumentError' && /localDataCenter/.test(innerMessage)) {
      const found = /data centers: \[(.*)\]/.exec(innerMessage)?.[1];
      return make('VALIDATION', `The local data centre is wrong${found ? `: Cassandra at ${hosts} has ${found}` : ''}`, false);
    }
    if (/self[- ]signed|certificate|SSL|TLS|wrong version number/i.test(innerMessage))
      return make('STORAGE_UNREACHABLE', `Cassandra at ${hosts}: the TLS handshake failed (${innerMessage.split('\n')[0]})`, false);
    const network = NETWORK.exec(innerMessage)?.[0];
    const why = network === 'ECONNREFUSED' ? 'connection refused' : network ? network : innerMessage.split('\n')[0] || 'no answer';
    return make('STORAGE_UNREACHABLE', `Cassandra at ${hosts} cannot be reached (${why})`, true);
  }
  if (e.name === 'OperationTimedOutError' || e.name === 'BusyConnectionError')
    return make('STORAGE_UNREACHABLE', `Cassandra at ${hosts} did not answer in time`, true);
  if (e.name === 'ResponseError' && typeof e.code === 'number') {
    if (e.code === CODES.invalid && /^Keyspace .* does not exist/.test(message))
      return make('NOT_FOUND', `Keyspace ${target.keyspace} does not exist in Cassandra at ${hosts}`, false);
    if (e.code === CODES.unauthorized)
      return make(
        'AUTH_FAILED',
        `Permission denied: user "${target.username ?? ''}" may not do this in ${target.keyspace} (${message})`,
        false,
      );
    if (
      e.code === CODES.unavailable ||
      e.code === CODES.overloaded ||
      e.code === CODES.isBootstrapping ||
      e.code === CODES.writeTimeout ||
      e.code === CODES.readTimeout ||
      e.code === CODES.writeFailure
    )
      return make('STORAGE_UNREACHABLE', `Cassandra at ${hosts} could not take the write now (${message})`, true);
    if (e.code === CODES.invalid || e.code === CODES.syntaxError)
      return make('VALIDATION', `Cassandra refused the statement: ${message}`, false);
  }
  // The driver's own type checks on a bound value ("Expected Number, obtained …").
  if (e.name === 'TypeError') return make('VALIDATION', `A value does not fit its Cassandra column: ${message}`, false);
  const network = NETWORK.exec(message)?.[0];
  if (network) return make('STORAGE_UNREACHABLE', `Cassandra at ${hosts} cannot be reached (${network})`, true);
  return make('INTERNAL', `Cassandra at ${hosts}: ${message.split('\n')[0]}`, false);
}
