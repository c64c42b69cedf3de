import { WorkbenchError } from '../../../shared/errors.js';
import { isRegistrySerializer, type ProducerRegistry, type Serializer } from '../../../shared/producers.js';
import { avroType } from '../schema-registry/avro-codec.js';
import type { AvroResolver } from '../schema-registry/avro-resolver.js';
import { avroSubjectWriter, formatNames, subjectWriter, type WriterSchema } from '../schema-registry/writer-schema.js';

interface RegistryProducer {
  name: string;
  connectionId: string;
  topic: string;
  serializer: Serializer;
  /** The registry serializer's settings (named `avro` from when Avro was the only one). */
  avro?: ProducerRegistry | undefined;
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const FORMATS = { avro: 'AVRO', protobuf: 'PROTOBUF', jsonschema: 'JSON' } as const;

/** Confluent's TopicNameStrategy unless the producer names a subject. */
export function producerSubject(producer: RegistryProducer): string {
  const subject = producer.avro?.subject?.trim();
  return subject === undefined || subject === '' ? `${producer.topic}-value` : subject;
}

/**
 * What can be checked without the registry, at save and at start: a registry serializer has a
 * registry URL on the connection, and an Avro schema given to register is valid Avro.
 */
export function checkRegistryProducer(producer: RegistryProducer, resolver: AvroResolver): void {
  if (!isRegistrySerializer(producer.serializer)) return;
  const format = formatNames[FORMATS[producer.serializer]];
  if (resolver.client(producer.connectionId) === null) {
    throw new WorkbenchError(
      'VALIDATION',
      `Producer "${producer.name}": the ${format} serializer needs a schema registry URL on its connection (edit the connection in Settings), or choose the JSON serializer`,
    );
  }
  const schema = producer.avro?.schema?.trim();
  if (producer.serializer !== 'avro' || schema === undefined || schema === '') return;
  try {
    avroType(schema);
  } catch (error) {
    throw new WorkbenchError('VALIDATION', `Producer "${producer.name}": ${reason(error)}`);
  }
}

/**
 * The schema every record of this run is written with. Avro: the given schema registered under the
 * subject (an identical schema keeps its id), else the subject's latest version. Protobuf and JSON
 * Schema: the subject's chosen version (default latest), which must hold that format, with its
 * references, compiled, and for Protobuf the message type found. Resolved once per start, so a run
 * writes one id and a later schema version is picked up by a restart.
 */
export async function resolveProducerSchema(producer: RegistryProducer, resolver: AvroResolver): Promise<WriterSchema> {
  const { serializer } = producer;
  const label = `Producer "${producer.name}"`;
  if (!isRegistrySerializer(serializer))
    throw new WorkbenchError('VALIDATION', `${label}: the ${serializer} serializer takes no registry schema`);
  checkRegistryProducer(producer, resolver);
  const client = resolver.client(producer.connectionId);
  // Unreachable: checkRegistryProducer refuses a connection without a registry URL.
  if (client === null) throw new WorkbenchError('VALIDATION', `${label}: no schema registry URL on the connection`);
  const subject = producerSubject(producer);
  if (serializer === 'avro') return avroSubjectWriter(client, { subject, schema: producer.avro?.schema }, label);
  return subjectWriter(
    client,
    {
      subject,
      format: FORMATS[serializer],
      version: producer.avro?.version ?? 'latest',
      message: producer.avro?.message,
    },
    label,
  );
}
