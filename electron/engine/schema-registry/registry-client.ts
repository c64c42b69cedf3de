import { WorkbenchError, type ErrorCode } from '../../../shared/errors.js';
import type { CompatibilityCheck, CompatibilityLevel, RegisteredVersion, SubjectVersion } from '../../../shared/registry.js';
import { compatibilityLevelSchema, registrySchemaTypeSchema, schemaReferenceSchema } from '../../../shared/registry.js';
import { z } from 'zod';

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

/** The formats of the Confluent API (`schemaType`; absent means AVRO). */
export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';

/**
 * A schema's reference to another subject's version: `name` is how the schema names it (a Protobuf
 * import path, a JSON Schema `$ref`), per Confluent's "Schema references" documentation.
 */
export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

/** A schema as the registry serves it by id or by subject version. */
export interface RegistrySchema {
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
}

interface SchemaBody {
  schema: string;
  schemaType?: string;
  references?: SchemaReference[];
}

function registrySchema(where: string, body: SchemaBody): RegistrySchema {
  const type = (body.schemaType ?? 'AVRO').toUpperCase();
  if (type !== 'AVRO' && type !== 'PROTOBUF' && type !== 'JSON')
    throw new WorkbenchError('VALIDATION', `${where} is ${type}, a schema type this app does not read`);
  return { schemaType: type, schema: body.schema, references: body.references ?? [] };
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

/** A registry's refusal, with its HTTP status and Confluent `error_code` (40401 unknown subject, 42201 invalid schema…). */
export class RegistryHttpError extends WorkbenchError {
  readonly status: number;
  readonly errorCode: number | undefined;
  readonly registryMessage: string;

  constructor(code: ErrorCode, message: string, status: number, body: string) {
    super(code, message);
    this.status = status;
    this.registryMessage = registryMessage(body);
    let errorCode: unknown;
    try {
      errorCode = (JSON.parse(body) as { error_code?: unknown }).error_code;
    } catch {
      // not JSON: no error code
    }
    this.errorCode = typeof errorCode === 'number' ? errorCode : undefined;
  }
}

const subjectPath = (subject: string) => `/subjects/${encodeURIComponent(subject)}`;
const versionBodySchema = z.object({
  subject: z.string(),
  version: z.number().int(),
  id: z.number().int(),
  schemaType: registrySchemaTypeSchema.default('AVRO'),
  schema: z.string(),
  references: z.array(schemaReferenceSchema).nullish(),
});
const configBodySchema = z.object({ compatibilityLevel: compatibilityLevelSchema });

/**
 * A small client for the Confluent Schema Registry REST API (also served by Apicurio at
 * /apis/ccompat/v7 and by Karapace/Redpanda): schema by id, register, latest of a subject. Schemas by
 * id are immutable, so they are cached for the client's life.
 */
export class RegistryClient {
  readonly url: string;
  private readonly authorization: string | undefined;
  private readonly byId = new Map<number, Promise<RegistrySchema>>();
  private readonly failures = new Map<number, { error: Error; at: number }>();

  constructor(settings: RegistrySettings) {
    this.url = settings.url.replace(/\/+$/, '');
    this.authorization =
      settings.username === undefined
        ? undefined
        : `Basic ${Buffer.from(`${settings.username}:${settings.password ?? ''}`).toString('base64')}`;
  }

  /** The schema of a global id (GET /schemas/ids/{id}): its type, text and references. */
  schemaById(id: number): Promise<RegistrySchema> {
    const failure = this.failures.get(id);
    if (failure && Date.now() - failure.at < FAILURE_TTL_MS) return Promise.reject(failure.error);
    let pending = this.byId.get(id);
    if (!pending) {
      pending = this.request<SchemaBody>('GET', `/schemas/ids/${id}`).then((body) => registrySchema(`schema ${id}`, body));
      this.byId.set(id, pending);
      pending.catch((error: unknown) => {
        this.byId.delete(id);
        this.failures.set(id, { error: error instanceof Error ? error : new Error(String(error)), at: Date.now() });
      });
    }
    return pending;
  }

  /** One version of a subject (GET /subjects/{subject}/versions/{version}; `latest` allowed), e.g. a reference. */
  async subjectVersion(subject: string, version: number | 'latest'): Promise<RegistrySchema & { id: number; version: number }> {
    const body = await this.request<SchemaBody & { id: number; version: number }>(
      'GET',
      `/subjects/${encodeURIComponent(subject)}/versions/${version}`,
    );
    return { ...registrySchema(`subject "${subject}" version ${version}`, body), id: body.id, version: body.version };
  }

  /** Where an id is registered (GET /schemas/ids/{id}/versions): the subjects and versions, oldest first. */
  async versionsOfId(id: number): Promise<Array<{ subject: string; version: number }>> {
    return this.request<Array<{ subject: string; version: number }>>('GET', `/schemas/ids/${id}/versions`);
  }

  /** Registers `schema` under `subject` (POST /subjects/{subject}/versions); an identical schema keeps its id. */
  async register(
    subject: string,
    schema: string,
    schemaType: SchemaType = 'AVRO',
    references: SchemaReference[] = [],
  ): Promise<RegisteredSchema> {
    const body = await this.request<{ id: number }>('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema,
      schemaType,
      ...(references.length > 0 ? { references } : {}),
    });
    this.byId.set(body.id, Promise.resolve({ schemaType, schema, references }));
    return { id: body.id, schema };
  }

  /** The latest version of a subject (GET /subjects/{subject}/versions/latest). */
  async latest(subject: string): Promise<RegisteredSchema> {
    const latest = await this.subjectVersion(subject, 'latest');
    this.byId.set(latest.id, Promise.resolve(latest));
    return { id: latest.id, schema: latest.schema };
  }

  // Registry browser (the Registry page): subjects, versions, compatibility, register any schema type.

  /** All subjects (GET /subjects). */
  subjects(): Promise<string[]> {
    return this.request<string[]>('GET', '/subjects');
  }

  /** The version numbers of a subject (GET /subjects/{subject}/versions). */
  versions(subject: string): Promise<number[]> {
    return this.request<number[]>('GET', `${subjectPath(subject)}/versions`);
  }

  /** One version of a subject (GET /subjects/{subject}/versions/{version}); `schemaType` absent means AVRO. */
  async version(subject: string, version: number | 'latest'): Promise<SubjectVersion> {
    const body = versionBodySchema.parse(await this.request<unknown>('GET', `${subjectPath(subject)}/versions/${version}`));
    return { ...body, references: body.references ?? [] };
  }

  /** The global compatibility level (GET /config). */
  async globalCompatibility(): Promise<CompatibilityLevel> {
    return configBodySchema.parse(await this.request<unknown>('GET', '/config')).compatibilityLevel;
  }

  /**
   * A subject's own compatibility level (GET /config/{subject}), or null when it has none: Confluent
   * answers 40408 then (its API reference, "Get compatibility level for a subject"); Apicurio answers
   * the level it applies.
   */
  async subjectCompatibility(subject: string): Promise<CompatibilityLevel | null> {
    try {
      return configBodySchema.parse(await this.request<unknown>('GET', `/config/${encodeURIComponent(subject)}`)).compatibilityLevel;
    } catch (error) {
      if (error instanceof RegistryHttpError && error.errorCode === 40408) return null;
      throw error;
    }
  }

  /** Sets the global level (no subject) or a subject's own (PUT /config[/{subject}]). */
  async setCompatibility(level: CompatibilityLevel, subject?: string): Promise<CompatibilityLevel> {
    const path = subject === undefined ? '/config' : `/config/${encodeURIComponent(subject)}`;
    const body = z
      .object({ compatibility: compatibilityLevelSchema })
      .parse(await this.request<unknown>('PUT', path, { compatibility: level }));
    return body.compatibility;
  }

  /**
   * Whether `schema` could be registered as the next version of `subject` under its compatibility
   * level (POST /compatibility/subjects/{subject}/versions/latest?verbose=true; registries without
   * `verbose` answer without `messages`).
   */
  async checkCompatibility(subject: string, schemaType: SubjectVersion['schemaType'], schema: string): Promise<CompatibilityCheck> {
    const body = z
      .object({ is_compatible: z.boolean(), messages: z.array(z.unknown()).optional() })
      .parse(
        await this.request<unknown>('POST', `/compatibility${subjectPath(subject)}/versions/latest?verbose=true`, { schema, schemaType }),
      );
    return { compatible: body.is_compatible, messages: (body.messages ?? []).map((m) => (typeof m === 'string' ? m : JSON.stringify(m))) };
  }

  /**
   * Registers a new version of any type (POST /subjects/{subject}/versions), then looks the schema up
   * under the subject (POST /subjects/{subject}) for its version number, which registration does not return.
   */
  async registerVersion(subject: string, schemaType: SubjectVersion['schemaType'], schema: string): Promise<RegisteredVersion> {
    const { id } = z
      .object({ id: z.number().int() })
      .parse(await this.request<unknown>('POST', `${subjectPath(subject)}/versions`, { schema, schemaType }));
    const found = z
      .object({ version: z.number().int() })
      .parse(await this.request<unknown>('POST', subjectPath(subject), { schema, schemaType }));
    return { subject, id, version: found.version };
  }

  private async request<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
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
    if (response.status === 404) {
      throw new RegistryHttpError('NOT_FOUND', `Schema registry: ${registryMessage(text)} (${method} ${path})`, response.status, text);
    }
    if (!response.ok) {
      throw new RegistryHttpError(
        'VALIDATION',
        `Schema registry answered HTTP ${response.status}: ${registryMessage(text)}`,
        response.status,
        text,
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new WorkbenchError('INTERNAL', `Schema registry ${this.url} answered ${method} ${path} with non-JSON: ${text.slice(0, 200)}`);
    }
  }
}
