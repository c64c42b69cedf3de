import { WorkbenchError } from '../../../shared/errors.js';

/** Where a connection's registry is and how to log in (basic auth is optional). */
export interface RegistrySettings {
  url: string;
  username?: string;
  password?: string | null;
}

export interface RegisteredSchema {
  id: number;
  schema: string;
}

const TIMEOUT_MS = 5_000;
/** A failed id lookup is remembered this long so a page of 100 records with one bad id asks once. */
const FAILURE_TTL_MS = 5_000;
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** Confluent's error body: `{ "error_code": 40403, "message": "Schema not found" }`. */
function registryMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error_code?: unknown };
    if (typeof parsed.message === 'string')
      return typeof parsed.error_code === 'number' ? `${parsed.message} (error ${parsed.error_code})` : parsed.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 300) || 'no body';
}

/**
 * A small client for the Confluent Schema Registry REST API (also served by Apicurio at
 * /apis/ccompat/v7 and by Karapace/Redpanda): schema by id, register, latest of a subject. Schemas by
 * id are immutable, so they are cached for the client's life.
 */
export class RegistryClient {
  readonly url: string;
  private readonly authorization: string | undefined;
  private readonly byId = new Map<number, Promise<string>>();
  private readonly failures = new Map<number, { error: Error; at: number }>();

  constructor(settings: RegistrySettings) {
    this.url = settings.url.replace(/\/+$/, '');
    this.authorization =
      settings.username === undefined
        ? undefined
        : `Basic ${Buffer.from(`${settings.username}:${settings.password ?? ''}`).toString('base64')}`;
  }

  /** The schema text of a global id (GET /schemas/ids/{id}); only Avro schemas are accepted. */
  schemaById(id: number): Promise<string> {
    const failure = this.failures.get(id);
    if (failure && Date.now() - failure.at < FAILURE_TTL_MS) return Promise.reject(failure.error);
    let pending = this.byId.get(id);
    if (!pending) {
      pending = this.request<{ schema: string; schemaType?: string }>('GET', `/schemas/ids/${id}`).then((body) => {
        if (body.schemaType !== undefined && body.schemaType.toUpperCase() !== 'AVRO') {
          throw new WorkbenchError('VALIDATION', `schema ${id} is ${body.schemaType}, not Avro`);
        }
        return body.schema;
      });
      this.byId.set(id, pending);
      pending.catch((error: unknown) => {
        this.byId.delete(id);
        this.failures.set(id, { error: error instanceof Error ? error : new Error(String(error)), at: Date.now() });
      });
    }
    return pending;
  }

  /** Registers `schema` under `subject` (POST /subjects/{subject}/versions); an identical schema keeps its id. */
  async register(subject: string, schema: string): Promise<RegisteredSchema> {
    const body = await this.request<{ id: number }>('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema,
      schemaType: 'AVRO',
    });
    this.byId.set(body.id, Promise.resolve(schema));
    return { id: body.id, schema };
  }

  /** The latest version of a subject (GET /subjects/{subject}/versions/latest). */
  async latest(subject: string): Promise<RegisteredSchema> {
    const body = await this.request<{ id: number; schema: string }>('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`);
    this.byId.set(body.id, Promise.resolve(body.schema));
    return { id: body.id, schema: body.schema };
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: `${CONTENT_TYPE}, application/json` };
    if (body !== undefined) headers['Content-Type'] = CONTENT_TYPE;
    if (this.authorization !== undefined) headers.Authorization = this.authorization;
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${TIMEOUT_MS / 1000} s`
          : (cause?.code ?? cause?.message ?? String(error));
      throw new WorkbenchError(
        'BROKER_UNREACHABLE',
        `Schema registry ${this.url} is unreachable (${reason}); check the registry URL of the connection`,
      );
    }
    const text = await response.text();
    if (response.status === 401 || response.status === 403) {
      throw new WorkbenchError(
        'AUTH_FAILED',
        `Schema registry ${this.url} refused the login (HTTP ${response.status}): ${registryMessage(text)}`,
      );
    }
    if (response.status === 404) throw new WorkbenchError('NOT_FOUND', `Schema registry: ${registryMessage(text)} (${method} ${path})`);
    if (!response.ok) throw new WorkbenchError('VALIDATION', `Schema registry answered HTTP ${response.status}: ${registryMessage(text)}`);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new WorkbenchError('INTERNAL', `Schema registry ${this.url} answered ${method} ${path} with non-JSON: ${text.slice(0, 200)}`);
    }
  }
}
