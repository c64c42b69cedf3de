import { WorkbenchError } from '../../../shared/errors.js';
import type { EngineContext, EngineFeature } from '../context.js';
import type { Handlers } from '../dispatch.js';
import { RegistryClient, RegistryHttpError } from './registry-client.js';
import { registrySettings } from './registry-settings.js';

type RegistryMethod =
  | 'registry:subjects'
  | 'registry:versions'
  | 'registry:version'
  | 'registry:compatibility'
  | 'registry:setCompatibility'
  | 'registry:checkCompatibility'
  | 'registry:register';

/**
 * The registry's refusals in plain words. Confluent's error codes (its API reference, "Errors"):
 * 40401 subject not found, 40402 version not found, 409 incompatible, 42201 invalid schema,
 * 42202 invalid version, 42203 invalid compatibility level. Apicurio's ccompat API uses the same
 * codes except for incompatibility and some parse errors (error_code 0), so the HTTP status decides.
 */
export function explainRegistryError(error: unknown, subject: string | undefined, version?: number | 'latest'): unknown {
  if (!(error instanceof RegistryHttpError)) return error;
  const quoted = subject === undefined ? 'the subject' : `"${subject}"`;
  const said = `the registry said: ${error.registryMessage}`;
  if (error.errorCode === 40401) return new WorkbenchError('NOT_FOUND', `Subject ${quoted} does not exist in the schema registry`);
  if (error.errorCode === 40402) {
    return new WorkbenchError('NOT_FOUND', `Subject ${quoted} has no version ${version ?? ''}`.trimEnd());
  }
  if (error.status === 409) {
    return new WorkbenchError('CONFLICT', `The schema is not compatible with subject ${quoted} under its compatibility level; ${said}`);
  }
  if (error.status === 422) {
    return new WorkbenchError('VALIDATION', `The schema registry refused the schema as invalid; ${said}`);
  }
  return error;
}

/** The registry browser (the Registry page) over the active connection's Schema Registry. */
export class RegistryFeature implements EngineFeature<RegistryMethod> {
  private readonly context: EngineContext;

  constructor(context: EngineContext) {
    this.context = context;
  }

  /** A client for the connection's registry; one per call, as nothing is cached between pages. */
  private client(connectionId: string): RegistryClient {
    const settings = registrySettings(this.context.connections, connectionId);
    if (settings === null) {
      throw new WorkbenchError(
        'VALIDATION',
        'This connection has no schema registry: set its Schema Registry URL in the connection settings',
      );
    }
    return new RegistryClient(settings);
  }

  private async run<T>(
    connectionId: string,
    subject: string | undefined,
    call: (client: RegistryClient) => Promise<T>,
    version?: number | 'latest',
  ): Promise<T> {
    try {
      return await call(this.client(connectionId));
    } catch (error) {
      throw explainRegistryError(error, subject, version);
    }
  }

  handlers(): Pick<Handlers, RegistryMethod> {
    return {
      'registry:subjects': async ({ connectionId }) =>
        (await this.run(connectionId, undefined, (c) => c.subjects())).sort((a, b) => a.localeCompare(b)),
      'registry:versions': ({ connectionId, subject }) => this.run(connectionId, subject, (c) => c.versions(subject)),
      'registry:version': ({ connectionId, subject, version }) =>
        this.run(
          connectionId,
          subject,
          async (c) => {
            try {
              return await c.version(subject, version);
            } catch (error) {
              // Apicurio answers "no version" (40402) for a subject that does not exist either: ask which.
              if (error instanceof RegistryHttpError && error.errorCode === 40402) await c.versions(subject);
              throw error;
            }
          },
          version,
        ),
      'registry:compatibility': ({ connectionId, subject }) =>
        this.run(connectionId, subject, async (c) => ({
          global: await c.globalCompatibility(),
          subject: subject === undefined ? null : await c.subjectCompatibility(subject),
        })),
      'registry:setCompatibility': ({ connectionId, subject, level }) =>
        this.run(connectionId, subject, async (c) => ({ level: await c.setCompatibility(level, subject) })),
      'registry:checkCompatibility': ({ connectionId, subject, schemaType, schema }) =>
        this.run(connectionId, subject, (c) => c.checkCompatibility(subject, schemaType, schema)),
      'registry:register': ({ connectionId, subject, schemaType, schema }) =>
        this.run(connectionId, subject, (c) => c.registerVersion(subject, schemaType, schema)),
    };
  }

  dispose(): void {
    // No clients are kept between calls.
  }
}
