import { WorkbenchError } from '../../../shared/errors.js';
import { WIRE_HEADER_BYTES, wireSchemaId, withWireHeader } from '../../../shared/topic-browser/avro-wire.js';
import type { AvroResult, KafkaMessage, Payload } from '../../../shared/topic-browser.js';
import { decodeAvroBody, encodeAvroBody, avroType } from './avro-codec.js';
import { RegistryClient, type RegistrySettings } from './registry-client.js';

/** Reads a connection's registry settings (URL, optional basic auth); null when none is set. */
export type RegistrySettingsOf = (connectionId: string) => RegistrySettings | null;

export interface AvroField {
  text: string;
  avro?: { subject?: string | undefined; schema?: string | undefined } | undefined;
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
        `${name}: Avro needs a schema registry URL on this connection (edit the connection in Settings)`,
      );
    const subject = field.avro?.subject ?? `${topic}-${which}`;
    const schemaText = field.avro?.schema?.trim();
    let registered: { id: number; schema: string };
    if (schemaText !== undefined && schemaText !== '') {
      try {
        avroType(schemaText);
      } catch (error) {
        throw new WorkbenchError('VALIDATION', `${name}: ${reason(error)}`);
      }
      registered = await client.register(subject, schemaText);
    } else {
      try {
        registered = await client.latest(subject);
      } catch (error) {
        if (error instanceof WorkbenchError && error.code === 'NOT_FOUND') {
          throw new WorkbenchError(
            'VALIDATION',
            `${name}: subject "${subject}" has no schema in the registry yet; give a schema to register it`,
          );
        }
        throw error;
      }
    }
    try {
      return Buffer.from(withWireHeader(registered.id, encodeAvroBody(registered.schema, field.text)));
    } catch (error) {
      throw new WorkbenchError('VALIDATION', `${name} (schema ${registered.id} of "${subject}"): ${reason(error)}`);
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

async function decodeWire(client: RegistryClient, schemaId: number, bytes: Buffer, truncated: boolean): Promise<AvroResult> {
  if (truncated) return { schemaId, error: 'only the first 1 MiB of the record was read; choose Hex to see it' };
  let schema: string;
  try {
    schema = await client.schemaById(schemaId);
  } catch (error) {
    return {
      schemaId,
      error:
        error instanceof WorkbenchError && error.code === 'NOT_FOUND'
          ? `schema id ${schemaId} is not in the registry (${reason(error)})`
          : reason(error),
    };
  }
  try {
    return { schemaId, json: decodeAvroBody(schema, bytes.subarray(WIRE_HEADER_BYTES)) };
  } catch (error) {
    return { schemaId, error: `schema ${schemaId}: ${reason(error)}` };
  }
}
