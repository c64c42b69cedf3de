import { WorkbenchError } from '../../../shared/errors.js';
import type { ProducerAvro } from '../../../shared/producers.js';
import { avroType } from '../schema-registry/avro-codec.js';
import type { AvroResolver } from '../schema-registry/avro-resolver.js';
import type { ResolvedAvro } from './record-encoding.js';

interface AvroProducer {
  name: string;
  connectionId: string;
  topic: string;
  serializer: string;
  avro?: ProducerAvro | undefined;
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Confluent's TopicNameStrategy unless the producer names a subject. */
export function avroSubject(producer: AvroProducer): string {
  const subject = producer.avro?.subject?.trim();
  return subject === undefined || subject === '' ? `${producer.topic}-value` : subject;
}

function givenSchema(producer: AvroProducer): string | null {
  const schema = producer.avro?.schema?.trim();
  return schema === undefined || schema === '' ? null : schema;
}

/**
 * What can be checked without the registry, at save and at start: the connection has a registry
 * URL and a given schema is a valid Avro schema.
 */
export function checkAvroProducer(producer: AvroProducer, resolver: AvroResolver): void {
  if (producer.serializer !== 'avro') return;
  if (resolver.client(producer.connectionId) === null) {
    throw new WorkbenchError(
      'VALIDATION',
      `Producer "${producer.name}": the Avro serializer needs a schema registry URL on its connection (edit the connection in Settings), or choose the JSON serializer`,
    );
  }
  const schema = givenSchema(producer);
  if (schema === null) return;
  try {
    avroType(schema);
  } catch (error) {
    throw new WorkbenchError('VALIDATION', `Producer "${producer.name}": ${reason(error)}`);
  }
}

/**
 * The schema id every record of this run is written with: the given schema registered under the
 * subject (an identical schema keeps its id), else the subject's latest version. Resolved once per
 * start, so a run writes one id and a later schema version is picked up by a restart.
 */
export async function resolveProducerAvro(producer: AvroProducer, resolver: AvroResolver): Promise<ResolvedAvro> {
  checkAvroProducer(producer, resolver);
  const client = resolver.client(producer.connectionId);
  if (client === null) throw new WorkbenchError('VALIDATION', 'the Avro serializer needs a schema registry URL on the connection');
  const subject = avroSubject(producer);
  const schema = givenSchema(producer);
  if (schema !== null) return { ...(await client.register(subject, schema)), subject };
  let latest: { id: number; schema: string };
  try {
    latest = await client.latest(subject);
  } catch (error) {
    if (error instanceof WorkbenchError && error.code === 'NOT_FOUND') {
      throw new WorkbenchError(
        'VALIDATION',
        `Producer "${producer.name}": subject "${subject}" has no schema in the registry yet; give the producer a schema to register`,
      );
    }
    throw error;
  }
  try {
    avroType(latest.schema);
  } catch (error) {
    throw new WorkbenchError(
      'VALIDATION',
      `Producer "${producer.name}": the latest schema of "${subject}" (id ${latest.id}) is not usable Avro: ${reason(error)}`,
    );
  }
  return { ...latest, subject };
}
