import { WorkbenchError } from '../../../shared/errors.js';
import { WIRE_HEADER_BYTES, wireSchemaId } from '../../../shared/topic-browser/avro-wire.js';
import type { AvroResult, KafkaMessage, Payload } from '../../../shared/topic-browser.js';
import { decodeAvroBody } from './avro-codec.js';
import { decodeJsonSchemaBody } from './json-schema-codec.js';
import { decodeProtobufBody } from './protobuf-codec.js';
import { RegistryClient, type RegistrySettings } from './registry-client.js';
import { loadBundle, type SchemaBundle } from './schema-bundle.js';
import { avroSubjectWriter, describeWriter, encodeWire, subjectWriter, type WriterSchema } from './writer-schema.js';

/** Reads a connection's registry settings (URL, optional basic auth); null when none is set. */
export type RegistrySettingsOf = (connectionId: string) => RegistrySettings | null;

export interface AvroField {
  text: string;
  encoder?: string;
  avro?:
    { subject?: string | undefined; schema?: string | undefined; version?: number | undefined; message?: string | undefined } | undefined;
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Avro through the connection's schema registry, for the message browser (decode) and the produce
 * paths (encode). One RegistryClient per connection, rebuilt when its settings change, so the
 * schema-by-id cache survives across pages.
 */
export class AvroResolver {
  private readonly settingsOf: RegistrySettingsOf;
  private readonly clients = new Map<string, { signature: string; client: RegistryClient }>();

  constructor(settingsOf: RegistrySettingsOf) {
    this.settingsOf = settingsOf;
  }

  client(connectionId: string): RegistryClient | null {
    const settings = this.settingsOf(connectionId);
    if (settings === null) {
      this.clients.delete(connectionId);
      return null;
    }
    const signature = JSON.stringify([settings.url, settings.username ?? null, settings.password ?? null]);
    const cached = this.clients.get(connectionId);
    if (cached?.signature === signature) return cached.client;
    const client = new RegistryClient(settings);
    this.clients.set(connectionId, { signature, client });
    return client;
  }

  /** Adds `avro` (decoded JSON or the reason it failed) to every key/value in wire format. */
  async annotate(connectionId: string, messages: KafkaMessage[]): Promise<KafkaMessage[]> {
    const client = this.client(connectionId);
    if (client === null || messages.length === 0) return messages;
    return Promise.all(
      messages.map(async (message) => {
        const [key, value] = await Promise.all([annotatePayload(client, message.key), annotatePayload(client, message.value)]);
        return key === message.key && value === message.value ? message : { ...message, key, value };
      }),
    );
  }

  /**
   * JSON text → Confluent wire-format bytes. With a schema it is registered under the subject (an
   * identical schema keeps its id); without one the subject's latest schema is used.
   */
  async encode(connectionId: string, topic: string, which: 'key' | 'value', field: AvroField): Promise<Buffer> {
    const name = which === 'key' ? 'Key' : 'Value';
    const client = this.client(connectionId);
    if (client === null)
      throw new WorkbenchError(
        'VALIDATION',
        `${name}: ${field.encoder === undefined || field.encoder === 'avro' ? 'Avro' : field.encoder} needs a schema registry URL on this connection (edit the connection in Settings)`,
      );
    const subject = field.avro?.subject ?? `${topic}-${which}`;
    let writer: WriterSchema;
    if (field.encoder === 'protobuf' || field.encoder === 'jsonschema') {
      const format = field.encoder === 'protobuf' ? 'PROTOBUF' : 'JSON';
      writer = await subjectWriter(
        client,
        { subject, format, version: field.avro?.version ?? 'latest', message: field.avro?.message },
        name,
      );
    } else writer = await avroSubjectWriter(client, { subject, schema: field.avro?.schema }, name);
    try {
      return Buffer.from(encodeWire(writer, field.text));
    } catch (error) {
      throw new WorkbenchError('VALIDATION', `${name} (${describeWriter(writer)}): ${reason(error)}`);
    }
  }
}

async function annotatePayload(client: RegistryClient, payload: Payload): Promise<Payload> {
  if (payload === null) return null;
  const bytes = Buffer.from(payload.base64, 'base64');
  const schemaId = wireSchemaId(bytes);
  if (schemaId === null) return payload;
  const avro = await decodeWire(client, schemaId, bytes, payload.truncated);
  return { ...payload, avro };
}

const FORMATS = { AVRO: 'avro', PROTOBUF: 'protobuf', JSON: 'jsonschema' } as const;

/** The schema of an id with its references, and where it is registered; cached per id by the client and here. */
const bundles = new WeakMap<RegistryClient, Map<number, Promise<{ bundle: SchemaBundle; subject?: string; version?: number }>>>();

function bundleOf(client: RegistryClient, schemaId: number): Promise<{ bundle: SchemaBundle; subject?: string; version?: number }> {
  let perClient = bundles.get(client);
  if (!perClient) {
    perClient = new Map<number, Promise<{ bundle: SchemaBundle; subject?: string; version?: number }>>();
    bundles.set(client, perClient);
  }
  let pending = perClient.get(schemaId);
  if (!pending) {
    pending = (async () => {
      const schema = await client.schemaById(schemaId);
      const bundle = await loadBundle(client, schema);
      // Where the id is registered is shown beside the value; a registry without this endpoint just omits it.
      const where = await client.versionsOfId(schemaId).then(
        (versions) => versions[0],
        () => undefined,
      );
      return { bundle, ...(where ? { subject: where.subject, version: where.version } : {}) };
    })();
    perClient.set(schemaId, pending);
    const cache = perClient;
    pending.catch(() => cache.delete(schemaId));
  }
  return pending;
}

async function decodeWire(client: RegistryClient, schemaId: number, bytes: Buffer, truncated: boolean): Promise<AvroResult> {
  if (truncated) return { schemaId, error: 'only the first 1 MiB of the record was read; choose Hex to see it' };
  let resolved: Awaited<ReturnType<typeof bundleOf>>;
  try {
    resolved = await bundleOf(client, schemaId);
  } catch (error) {
    return {
      schemaId,
      error:
        error instanceof WorkbenchError && error.code === 'NOT_FOUND'
          ? `schema id ${schemaId} is not in the registry (${reason(error)})`
          : reason(error),
    };
  }
  const { bundle, subject, version } = resolved;
  const about = { schemaId, format: FORMATS[bundle.schemaType], ...(subject !== undefined ? { subject, version } : {}) };
  try {
    return { ...about, ...decodeBody(bundle, bytes.subarray(WIRE_HEADER_BYTES)) };
  } catch (error) {
    return { ...about, error: `schema ${schemaId}: ${reason(error)}` };
  }
}

/** The body after the wire header → JSON text (and the Protobuf message's name); throws saying what does not fit. */
function decodeBody(bundle: SchemaBundle, body: Uint8Array): { json: string; message?: string } {
  if (bundle.schemaType === 'PROTOBUF') return decodeProtobufBody(bundle, body);
  if (bundle.schemaType === 'JSON') return { json: decodeJsonSchemaBody(bundle, body) };
  return { json: decodeAvroBody(bundle.schema, body) };
}

/**
 * A pipeline's `registry` decoder: values in Confluent's wire format (Avro, Protobuf or JSON
 * Schema, whichever the id's schema is) → the same JSON values the `json` decoder gives, so
 * projection paths read them alike. The schemas of a micro-batch's ids are fetched before the batch
 * (`prepare`, async, cached per id); decoding is then synchronous, record by record. A registry
 * that cannot be reached fails `prepare` (the batch is retried from its checkpoint, nothing is
 * marked bad); an id the registry does not have makes its records bad, with the reason.
 */
export class RegistryValueDecoder {
  private readonly client: RegistryClient;
  /** Per schema id: its schema, or why its records cannot be decoded. */
  private readonly schemas = new Map<number, SchemaBundle | string>();

  constructor(client: RegistryClient) {
    this.client = client;
  }

  async prepare(values: Iterable<Uint8Array | null>): Promise<void> {
    const wanted = new Set<number>();
    for (const value of values) {
      const id = value === null ? null : wireSchemaId(value);
      if (id !== null && !this.schemas.has(id)) wanted.add(id);
    }
    await Promise.all(
      [...wanted].map(async (id) => {
        try {
          this.schemas.set(id, (await bundleOf(this.client, id)).bundle);
        } catch (error) {
          if (!(error instanceof WorkbenchError && error.code === 'NOT_FOUND')) throw error;
          this.schemas.set(id, `schema id ${id} is not in the registry`);
        }
      }),
    );
  }

  decode(value: Uint8Array | null): { ok: true; value: unknown } | { ok: false; error: string } {
    if (value === null) return { ok: false, error: 'the record has no value (tombstone)' };
    const id = wireSchemaId(value);
    if (id === null) return { ok: false, error: 'not in the Schema Registry wire format (magic byte 0, then a 4-byte schema id)' };
    const schema = this.schemas.get(id);
    if (schema === undefined) throw new Error(`schema id ${id} was not prepared before decoding`);
    if (typeof schema === 'string') return { ok: false, error: schema };
    try {
      return { ok: true, value: JSON.parse(decodeBody(schema, value.subarray(WIRE_HEADER_BYTES)).json) as unknown };
    } catch (error) {
      return { ok: false, error: `schema ${id}: ${reason(error)}` };
    }
  }
}
