import { WorkbenchError } from '../../../shared/errors.js';
import { withWireHeader } from '../../../shared/topic-browser/avro-wire.js';
import { avroType, encodeAvroBody } from './avro-codec.js';
import { encodeJsonSchemaBody, jsonSchemaValidator } from './json-schema-codec.js';
import { encodeProtobufBody, messageIndexes, protobufSchema } from './protobuf-codec.js';
import type { RegistryClient, SchemaType } from './registry-client.js';
import { loadBundle, type SchemaBundle } from './schema-bundle.js';

/**
 * The registry schema values are written with: its id, where it is registered, the schema with
 * every schema it references, and for Protobuf the message type (undefined = the file's first
 * message, Confluent's default). Both produce paths use it: the topic browser's produce form (one
 * value) and the embedded producers (resolved once per start, then every record).
 */
export interface WriterSchema {
  id: number;
  subject: string;
  /** The subject's version it was resolved from (an Avro schema registered or taken as latest has none here). */
  version?: number;
  bundle: SchemaBundle;
  message?: string;
}

export const formatNames: Record<SchemaType, string> = { AVRO: 'Avro', PROTOBUF: 'Protobuf', JSON: 'JSON Schema' };

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** An Avro schema text as a writer (Avro schemas of this app carry no references). */
function avroWriter(id: number, subject: string, schema: string): WriterSchema {
  return { id, subject, bundle: { schemaType: 'AVRO', schema, files: new Map() } };
}

/** `schema 7 of "t-value" version 3`: which schema a message is about. */
export function describeWriter(writer: WriterSchema): string {
  return `schema ${writer.id} of "${writer.subject}"${writer.version === undefined ? '' : ` version ${writer.version}`}`;
}

/**
 * A subject version as the writer of Protobuf or JSON Schema values: checked to hold `format`, its
 * references loaded and the schema compiled (for Protobuf, the message type found), so what is wrong
 * with it is said once, before any value, each message starting with `label` ("Value", a producer).
 */
export async function subjectWriter(
  client: RegistryClient,
  options: { subject: string; format: 'PROTOBUF' | 'JSON'; version: number | 'latest'; message?: string | undefined },
  label: string,
): Promise<WriterSchema> {
  const { subject, format, version } = options;
  let found: Awaited<ReturnType<RegistryClient['subjectVersion']>>;
  try {
    found = await client.subjectVersion(subject, version);
  } catch (error) {
    if (error instanceof WorkbenchError && error.code === 'NOT_FOUND')
      throw new WorkbenchError(
        'VALIDATION',
        version === 'latest'
          ? `${label}: subject "${subject}" has no schema in the registry; register a ${formatNames[format]} schema under it first`
          : `${label}: subject "${subject}" has no version ${version} in the registry`,
      );
    throw error;
  }
  const writer: WriterSchema = {
    id: found.id,
    subject,
    version: found.version,
    bundle: { schemaType: found.schemaType, schema: found.schema, files: new Map() },
    ...(options.message === undefined || options.message === '' ? {} : { message: options.message }),
  };
  const where = `${label} (${describeWriter(writer)})`;
  if (found.schemaType !== format)
    throw new WorkbenchError(
      'VALIDATION',
      `${where}: the subject's schema is ${formatNames[found.schemaType]}, not ${formatNames[format]}; write it as ${formatNames[found.schemaType]} or choose another subject`,
    );
  try {
    writer.bundle = await loadBundle(client, found);
    if (format === 'PROTOBUF') {
      const schema = protobufSchema(writer.bundle);
      if (writer.message !== undefined) messageIndexes(schema, writer.message);
    } else jsonSchemaValidator(writer.bundle);
  } catch (error) {
    throw new WorkbenchError('VALIDATION', `${where}: ${reason(error)}`);
  }
  return writer;
}

/**
 * The Avro writer of a subject: the given schema registered under it (an identical schema keeps its
 * id), else the subject's latest schema, which must be Avro.
 */
export async function avroSubjectWriter(
  client: RegistryClient,
  options: { subject: string; schema?: string | undefined },
  label: string,
): Promise<WriterSchema> {
  const { subject } = options;
  const schema = options.schema?.trim();
  if (schema !== undefined && schema !== '') {
    try {
      avroType(schema);
    } catch (error) {
      throw new WorkbenchError('VALIDATION', `${label}: ${reason(error)}`);
    }
    const registered = await client.register(subject, schema);
    return avroWriter(registered.id, subject, registered.schema);
  }
  let latest: { id: number; schema: string };
  try {
    latest = await client.latest(subject);
  } catch (error) {
    if (error instanceof WorkbenchError && error.code === 'NOT_FOUND')
      throw new WorkbenchError('VALIDATION', `${label}: subject "${subject}" has no schema in the registry yet; give a schema to register`);
    throw error;
  }
  try {
    avroType(latest.schema);
  } catch (error) {
    throw new WorkbenchError(
      'VALIDATION',
      `${label}: the latest schema of "${subject}" (id ${latest.id}) is not usable Avro: ${reason(error)}`,
    );
  }
  return avroWriter(latest.id, subject, latest.schema);
}

/**
 * JSON text → Confluent wire-format bytes (magic byte, schema id, body in the writer's format). A
 * value that does not fit throws, naming the fields, and nothing is written.
 */
export function encodeWire(writer: WriterSchema, jsonText: string): Uint8Array {
  const { bundle } = writer;
  switch (bundle.schemaType) {
    case 'AVRO':
      return withWireHeader(writer.id, encodeAvroBody(bundle.schema, jsonText));
    case 'PROTOBUF':
      return withWireHeader(writer.id, encodeProtobufBody(bundle, writer.message, jsonText));
    case 'JSON':
      return withWireHeader(writer.id, encodeJsonSchemaBody(bundle, jsonText));
  }
}
